package dev.tether.examples.springboot;

import dev.tether.core.Session;
import dev.tether.core.ToolkitInfo;
import dev.tether.pages.Html;
import dev.tether.pages.Page;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard page: the demo user's toolkits with live status badges, the scripted chat, and the JSON
 * the agent last read. One inline stylesheet and one inline script, each allowed by its hash in
 * {@link #CONTENT_SECURITY_POLICY}; everything but the live badges works without the script. Every
 * value is escaped. Thread-safe: no state.
 */
final class Dashboard {
  /** Badge classes with their text and background colours, each pair at least 4.5:1. */
  private static final String[][] BADGES = {
      {"active", "#166534", "#dcfce7"}, {"initiated", "#92400e", "#fef3c7"}, {"failed", "#991b1b", "#fee2e2"},
      {"expired", "#374151", "#e5e7eb"}, {"inactive", "#374151", "#e5e7eb"}, {"not_connected", "#1f2937", "#f3f4f6"}};

  static final String CSS = String.join("",
      "*{box-sizing:border-box}",
      "body{margin:0;background:#f3f4f6;color:#111827;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif}",
      "header{background:#fff;border-bottom:1px solid #d1d5db;padding:.75rem max(1rem,calc((100% - 70rem) / 2))}",
      "header h1{font-size:1.25rem;margin:0}header p{margin:0;color:#4b5563;font-size:.875rem}",
      "main{display:grid;gap:1rem;padding:1rem;max-width:72rem;margin:0 auto}",
      "section{background:#fff;border:1px solid #d1d5db;border-radius:.5rem;padding:1rem;min-width:0}",
      "h2{font-size:1.125rem;margin:0 0 .5rem}h3{font-size:1rem;margin:1rem 0 .25rem}p{margin:0 0 .75rem}",
      ".muted{color:#4b5563;font-size:.875rem}a{color:#1d4ed8}",
      "code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8125rem}code{overflow-wrap:anywhere}",
      ".toolkits{list-style:none;margin:0;padding:0}",
      ".toolkits li{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.5rem 0;border-bottom:1px solid #e5e7eb}",
      ".toolkits .name{font-weight:600;min-width:5rem}.toolkits .connect{margin-left:auto}",
      ".badge{display:inline-block;border-radius:999px;padding:.125rem .625rem;font-size:.8125rem;font-weight:600}",
      badgeRules(),
      ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
      "button{font:inherit;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:.375rem;",
      "padding:.5rem 1rem;min-height:2.75rem;cursor:pointer}",
      "button.secondary{color:#1d4ed8;background:#eff6ff;border:2px solid #1d4ed8}",
      ":focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}",
      "input{font:inherit;color:#111827;background:#fff;border:2px solid #6b7280;border-radius:.375rem;",
      "padding:.5rem .75rem;min-height:2.75rem;width:100%}",
      "label{display:block;font-weight:600;margin:0 0 .25rem}",
      ".say{display:flex;gap:.5rem;align-items:flex-end;margin:.75rem 0}.say div{flex:1}",
      ".suggestions{display:flex;flex-wrap:wrap;gap:.5rem;margin:0}",
      ".transcript{list-style:none;margin:0;padding:0;max-height:28rem;overflow-y:auto}",
      ".transcript li{margin:0 0 .5rem;padding:.5rem .75rem;border-radius:.5rem;overflow-wrap:anywhere}",
      ".transcript .who{display:block;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em}",
      ".transcript .user{background:#eff6ff;margin-left:2rem}",
      ".transcript .agent{background:#fff;border:1px solid #d1d5db;margin-right:2rem}",
      ".transcript .tool{background:#f3f4f6;color:#374151;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8125rem}",
      "pre{background:#111827;color:#e5e7eb;border-radius:.375rem;padding:.75rem;overflow:auto;max-height:28rem;margin:0}",
      "#events{margin:0;padding-left:1.25rem;font-size:.8125rem}",
      "@media (min-width:60rem){main{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}#agent-json{grid-column:1 / -1}}");

  /** Applies each {@code status} event to its badge; without it the page is whole, only not live. */
  static final String SCRIPT = String.join("\n",
      "(function () {",
      "  var live = document.getElementById('live');",
      "  var log = document.getElementById('events');",
      "  if (!window.EventSource) { return; }",
      "  var source = new EventSource('/events');",
      "  source.onopen = function () { live.textContent = 'Live: status changes appear as they happen.'; };",
      "  source.onerror = function () { live.textContent = 'Live updates paused; reconnecting…'; };",
      "  source.addEventListener('status', function (message) {",
      "    var d = JSON.parse(message.data);",
      "    var badge = document.getElementById('badge-' + d.toolkit);",
      "    if (badge) { badge.textContent = d.label; badge.className = 'badge ' + d.status; }",
      "    var account = document.getElementById('account-' + d.toolkit);",
      "    if (account) { account.textContent = d.account; }",
      "    if (d.line) {",
      "      var item = document.createElement('li');",
      "      item.textContent = d.line;",
      "      log.insertBefore(item, log.firstChild);",
      "      while (log.children.length > 20) { log.removeChild(log.lastChild); }",
      "    }",
      "  });",
      "  window.addEventListener('pagehide', function () { source.close(); });",
      "})();");

  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src " + Html.cspHash(CSS)
      + "; script-src " + Html.cspHash(SCRIPT) + "; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'";

  private Dashboard() {}

  static Page render(Session session, List<ToolkitInfo> toolkits, ChatAgent agent) {
    StringBuilder b = new StringBuilder(8192);
    b.append("<header>\n<h1>Tether on Spring Boot</h1>\n<p>Signed in as <strong>").append(Html.escape(session.userId()))
        .append("</strong> · session <code>").append(Html.escape(session.id())).append("</code></p>\n</header>\n<main>\n");

    b.append("<section aria-labelledby=\"connections-title\">\n<h2 id=\"connections-title\">Connections</h2>\n")
        .append("<p id=\"live\" class=\"muted\" role=\"status\">Reload the page to see new statuses.</p>\n")
        .append("<ul class=\"toolkits\">\n");
    for (ToolkitInfo t : toolkits) {
      StatusEvents.Badge badge = StatusEvents.Badge.of(t);
      String slug = Html.escape(t.slug());
      b.append("<li id=\"toolkit-").append(slug).append("\"><span class=\"name\">").append(Html.escape(t.name()))
          .append("</span> <span id=\"badge-").append(slug).append("\" class=\"badge ").append(badge.css()).append("\">")
          .append(Html.escape(badge.label())).append("</span> <code id=\"account-").append(slug).append("\">")
          .append(Html.escape(badge.account().orElse(""))).append("</code>");
      if (!t.isNoAuth()) {
        b.append(" <a class=\"connect\" id=\"connect-").append(slug).append("\" href=\"/connect/").append(slug)
            .append("\" target=\"_blank\" rel=\"noopener\">Connect <span class=\"visually-hidden\">")
            .append(Html.escape(t.name())).append("</span></a>");
      }
      b.append("</li>\n");
    }
    b.append("</ul>\n<p class=\"muted\">Connect opens the link in a new tab; sign in there and watch the badge here.</p>\n")
        .append("<h3 id=\"events-title\">Events</h3>\n<ol id=\"events\" aria-labelledby=\"events-title\"></ol>\n</section>\n");

    b.append("<section id=\"chat\" aria-labelledby=\"chat-title\">\n<h2 id=\"chat-title\">Chat</h2>\n")
        .append("<ol class=\"transcript\" aria-label=\"Conversation\">\n");
    for (ChatAgent.Turn turn : agent.transcript()) {
      String who = switch (turn.speaker()) {
        case USER -> "You";
        case AGENT -> "Agent";
        case TOOL -> "Agent calls";
      };
      b.append("<li class=\"").append(turn.speaker().name().toLowerCase(Locale.ROOT)).append("\"><span class=\"who\">")
          .append(who).append("</span> ").append(Html.escape(turn.text()));
      turn.link().ifPresent(link -> b.append("<br><a class=\"chat-link\" href=\"").append(Html.escape(link.toASCIIString()))
          .append("\" target=\"_blank\" rel=\"noopener\">").append(Html.escape(link.toASCIIString())).append("</a>"));
      b.append("</li>\n");
    }
    b.append("</ol>\n<form class=\"say\" method=\"post\" action=\"/chat\">\n<div><label for=\"message\">Message</label>")
        .append("<input id=\"message\" name=\"message\" maxlength=\"300\" autocomplete=\"off\" required></div>\n")
        .append("<button type=\"submit\">Send</button>\n</form>\n")
        .append("<form class=\"suggestions\" method=\"post\" action=\"/chat\" aria-label=\"Suggestions\">\n");
    for (String suggestion : ChatAgent.SUGGESTIONS) {
      b.append("<button class=\"secondary\" type=\"submit\" name=\"message\" value=\"").append(Html.escape(suggestion))
          .append("\">").append(Html.escape(suggestion)).append("</button>\n");
    }
    b.append("<button class=\"secondary\" type=\"submit\" name=\"reset\" value=\"1\">Start over</button>\n</form>\n</section>\n");

    String json = agent.lastToolAnswer();
    b.append("<section id=\"agent-json\" aria-labelledby=\"json-title\">\n<h2 id=\"json-title\">What the agent sees</h2>\n")
        .append("<p class=\"muted\">The last answer of <code>").append(ChatAgent.TOOL).append("</code>, as the model reads it.</p>\n")
        .append(json.isEmpty() ? "<p>No call yet: ask the agent something.</p>\n"
            : "<pre tabindex=\"0\" aria-label=\"Meta-tool answer\"><code>" + Html.escape(json) + "</code></pre>\n")
        .append("</section>\n</main>\n");
    return page(200, "Tether on Spring Boot", b, true);
  }

  /** A short page of the application's own (not found, not allowed) in the dashboard's style. */
  static Page message(int status, String title, String text) {
    String body = "<main>\n<section>\n<h1>" + Html.escape(title) + "</h1>\n<p>" + Html.escape(text)
        + "</p>\n<p><a href=\"/\">Back to the dashboard</a></p>\n</section>\n</main>\n";
    return page(status, title, body, false);
  }

  private static Page page(int status, String title, CharSequence body, boolean script) {
    String html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + Html.escape(title)
        + "</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n" + body
        + (script ? "<script>" + SCRIPT + "</script>\n" : "") + "</body>\n</html>\n";
    return Page.html(status, html, CONTENT_SECURITY_POLICY);
  }

  private static String badgeRules() {
    StringBuilder rules = new StringBuilder();
    for (String[] badge : BADGES) {
      rules.append(".badge.").append(badge[0]).append("{color:").append(badge[1]).append(";background:").append(badge[2])
          .append('}');
    }
    return rules.toString();
  }
}

package dev.tether.pages;

import static dev.tether.pages.Html.appendEscaped;

import dev.tether.core.ConnectLink;
import dev.tether.spi.ConnectionField;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Tether's own pages: English, self-contained, no script. Immutable and thread-safe. */
final class DefaultConnectPages implements ConnectPages {
  static final DefaultConnectPages INSTANCE = new DefaultConnectPages();
  static final String CONTENT_SECURITY_POLICY = Stylesheet.CONTENT_SECURITY_POLICY;

  private DefaultConnectPages() {}

  @Override
  public Page form(ConnectLink link, Map<String, String> entered, List<String> problems) {
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(entered, "entered");
    List<String> shown = List.copyOf(Objects.requireNonNull(problems, "problems"));
    String name = link.toolkitName();
    StringBuilder b = new StringBuilder(2048);
    b.append("<h1>Connect ");
    appendEscaped(b, name).append("</h1>\n");
    if (!shown.isEmpty()) {
      b.append("<div class=\"problems\" role=\"alert\" aria-labelledby=\"problems-title\">\n")
          .append("<h2 id=\"problems-title\">Check what you entered</h2>\n<ul>\n");
      for (String problem : shown) {
        Optional<ConnectionField> about = fieldOf(link.form(), problem);
        b.append("<li>");
        if (about.isPresent()) {
          b.append("<a href=\"#").append(fieldId(about.get())).append("\">");
          appendEscaped(b, problem).append("</a>");
        } else {
          appendEscaped(b, problem);
        }
        b.append("</li>\n");
      }
      b.append("</ul>\n</div>\n");
    }
    boolean anySecret = link.form().stream().anyMatch(ConnectionField::secret);
    b.append("<p>");
    appendEscaped(b, name).append(link.form().size() == 1 ? " needs this before it can connect." :
        " needs these before it can connect.");
    if (anySecret) {
      b.append(" What you type goes to this app only and is not shown again.");
    }
    // action="?": posts to this page's path with an empty query, so nothing appended to the link's
    // query (?api_key=…) travels with what the person types.
    b.append("</p>\n<form method=\"post\" action=\"?\" accept-charset=\"utf-8\">\n");
    for (ConnectionField f : link.form()) {
      String id = fieldId(f);
      List<String> own = shown.stream().filter(p -> fieldOf(link.form(), p).filter(f::equals).isPresent()).toList();
      b.append("<div class=\"field\">\n<label for=\"").append(id).append("\">");
      appendEscaped(b, f.label());
      if (!f.required()) {
        b.append(" <span class=\"optional\">(optional)</span>");
      }
      b.append("</label>\n");
      if (!own.isEmpty()) {
        b.append("<p class=\"field-error\" id=\"").append(id).append("-error\">");
        appendEscaped(b, String.join(" ", own)).append("</p>\n");
      }
      b.append("<input id=\"").append(id).append("\" name=\"");
      appendEscaped(b, f.name()).append('"');
      if (f.secret()) {
        b.append(" type=\"password\" autocomplete=\"off\"");
      } else {
        b.append(" type=\"text\" autocomplete=\"off\"");
        String again = entered.get(f.name());
        if (again != null && !again.isEmpty()) {
          b.append(" value=\"");
          appendEscaped(b, again).append('"');
        }
      }
      b.append(" autocapitalize=\"none\" spellcheck=\"false\"");
      if (f.required()) {
        b.append(" required");
      }
      if (!own.isEmpty()) {
        b.append(" aria-invalid=\"true\" aria-describedby=\"").append(id).append("-error\"");
      }
      b.append(">\n</div>\n");
    }
    b.append("<button type=\"submit\">Connect ");
    appendEscaped(b, name).append("</button>\n</form>\n");
    return page(shown.isEmpty() ? 200 : 400, "Connect " + name, b, null);
  }

  @Override
  public Page continueToSignIn(String toolkitName) {
    Objects.requireNonNull(toolkitName, "toolkitName");
    StringBuilder b = new StringBuilder(512);
    b.append("<h1>Continue to ");
    appendEscaped(b, toolkitName).append("</h1>\n<p>Taking you to ");
    appendEscaped(b, toolkitName).append(" to sign in.</p>\n")
        // An empty href is this page's own URL: the link endpoint, which now redirects to the provider.
        .append("<p><a class=\"button\" href=\"\">Continue to ");
    appendEscaped(b, toolkitName).append("</a></p>\n");
    return page(200, "Continue to " + toolkitName, b, "0");
  }

  @Override
  public Page connected(String toolkitName, Optional<URI> next) {
    Objects.requireNonNull(toolkitName, "toolkitName");
    Optional<String> href = Objects.requireNonNull(next, "next").flatMap(DefaultConnectPages::href);
    StringBuilder b = new StringBuilder(512);
    appendEscaped(b.append("<h1>"), toolkitName).append(" is connected</h1>\n")
        .append("<p class=\"outcome ok\">Connected</p>\n");
    if (href.isPresent()) {
      b.append("<p><a class=\"button\" href=\"").append(Html.escape(href.get())).append("\">Continue</a></p>\n");
    } else {
      b.append("<p>You can close this tab and go back to the app or the chat.</p>\n");
    }
    return page(200, toolkitName + " is connected", b, href.map(h -> "0; url='" + h + "'").orElse(null));
  }

  @Override
  public Page failed(String toolkitName, String errorCode) {
    Objects.requireNonNull(toolkitName, "toolkitName");
    Objects.requireNonNull(errorCode, "errorCode");
    StringBuilder b = new StringBuilder(512);
    appendEscaped(b.append("<h1>"), toolkitName).append(" was not connected</h1>\n")
        .append("<p class=\"outcome failed\">");
    appendEscaped(b, FailureReasons.of(errorCode)).append("</p>\n")
        .append("<p>Go back to the app or the chat and start connecting again.</p>\n");
    appendCode(b, errorCode);
    return page(200, toolkitName + " was not connected", b, null);
  }

  @Override
  public Page linkUnavailable() {
    StringBuilder b = new StringBuilder(512);
    b.append("<h1>This link can’t be used</h1>\n")
        .append("<p>It is unknown, has expired, or was used already: connect links work once, for a few minutes.</p>\n")
        .append("<p>Go back to the app or the chat and ask for a new link.</p>\n");
    return page(404, "This link can’t be used", b, null);
  }

  @Override
  public Page callbackRejected(String errorCode) {
    Objects.requireNonNull(errorCode, "errorCode");
    StringBuilder b = new StringBuilder(512);
    b.append("<h1>This sign-in can’t be completed</h1>\n<p class=\"outcome failed\">");
    appendEscaped(b, FailureReasons.of(errorCode)).append("</p>\n")
        .append("<p>Nothing was connected. Go back to the app or the chat and start connecting again.</p>\n");
    appendCode(b, errorCode);
    return page(400, "This sign-in can’t be completed", b, null);
  }

  private static void appendCode(StringBuilder b, String errorCode) {
    b.append("<p class=\"muted\">Error code: <code>");
    // The engine's codes are [a-z0-9_.-]; anything else is cut short, never shown whole.
    appendEscaped(b, errorCode.length() > 64 ? errorCode.substring(0, 64) + "…" : errorCode).append("</code></p>\n");
  }

  /** The whole document around {@code main}; {@code refresh} is a meta refresh's content, or null. */
  private static Page page(int status, String title, CharSequence main, String refresh) {
    StringBuilder d = new StringBuilder(Stylesheet.CSS.length() + main.length() + 512);
    d.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
        .append("<meta name=\"robots\" content=\"noindex\">\n");
    if (refresh != null) {
      d.append("<meta http-equiv=\"refresh\" content=\"");
      appendEscaped(d, refresh).append("\">\n");
    }
    d.append("<title>");
    appendEscaped(d, title).append("</title>\n<style>").append(Stylesheet.CSS).append("</style>\n</head>\n<body>\n")
        .append("<main>\n<div class=\"card\">\n").append(main).append("</div>\n</main>\n</body>\n</html>\n");
    return Page.html(status, d.toString(), CONTENT_SECURITY_POLICY);
  }

  /** The engine's problem messages name the field as "Label (name)". */
  private static Optional<ConnectionField> fieldOf(List<ConnectionField> form, String problem) {
    return form.stream().filter(f -> problem.contains("(" + f.name() + ")")).findFirst();
  }

  private static String fieldId(ConnectionField f) {
    return "field-" + f.name(); // names are [a-z0-9_]
  }

  /**
   * An http(s) URL as a link target, or empty for anything else (a {@code javascript:} URL never
   * becomes a link). A quote is percent-encoded so it cannot end a meta refresh's quoted URL.
   */
  static Optional<String> href(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
      return Optional.empty();
    }
    return Optional.of(url.toASCIIString().replace("'", "%27"));
  }
}

package dev.tether.examples.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.pages.Html;
import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.spi.ToolkitProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code --serve} dashboard and its event stream, over real HTTP on loopback. */
class DashboardTest {
  /** Generous: these budgets catch a hang, they do not race the code. */
  private static final Duration BUDGET = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExecutorService background = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(BUDGET)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final Browser user = new Browser();
  private Sandbox sandbox;
  private HostApp host;
  private Tether tether;
  private Session demo;

  @BeforeEach
  void start() throws IOException {
    sandbox = new Sandbox(false);
    host = new HostApp(0);
    List<ToolkitProvider> providers = List.of(Walkthrough.catalog(sandbox, false), new ApiKeyCatalog());
    Tether.Builder b = Tether.builder().redirectUri(host.callbackEndpoint()).connectBaseUrl(host.linkBase())
        .discoverProviders(false);
    providers.forEach(b::provider);
    tether = b.build();
    demo = tether.createSession("you", SessionOptions.builder().toolkits("gmail", "github", "exa").build());
    host.serve(tether, Walkthrough.toolkitNames(providers), demo);
  }

  @AfterEach
  void stop() {
    host.close();
    sandbox.close();
    background.shutdownNow();
  }

  @Test
  void dashboard_listsTheToolkitsWithBadges_andItsInlineStyleAndScriptAreTheOnesItsPolicyAllows() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    Document doc = Jsoup.parse(page.body());

    assertThat(doc.select("style")).singleElement().satisfies(s -> assertThat(csp).contains("style-src " + Html.cspHash(s.data()) + ";"));
    assertThat(doc.select("script")).singleElement().satisfies(s -> {
      assertThat(s.hasAttr("src")).isFalse();
      assertThat(csp).contains("script-src " + Html.cspHash(s.data()) + ";");
    });
    assertThat(csp).contains("default-src 'none'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'");
    assertThat(doc.select("link, img, iframe, [style], [src]")).isEmpty();
    assertThat(doc.selectFirst("html").attr("lang")).isEqualTo("en");
    assertThat(doc.select("meta[name=viewport]").attr("content")).contains("width=device-width");

    assertThat(doc.select(".toolkits li .name")).extracting(Element::text).containsExactly("Exa", "GitHub", "Gmail");
    assertThat(doc.getElementById("badge-gmail").text()).isEqualTo("Not connected");
    assertThat(doc.getElementById("badge-gmail").classNames()).contains("badge", "not_connected");
    assertThat(doc.select("a.connect")).extracting(a -> a.attr("href"))
        .containsExactly("/connect/exa", "/connect/github", "/connect/gmail");
    assertThat(doc.select("[role=status]#live")).hasSize(1);
    for (Element input : doc.select("input")) {
      assertThat(doc.select("label[for=" + input.id() + "]")).as("label of %s", input.attr("name")).hasSize(1);
    }
    assertThat(doc.select("form")).allSatisfy(f -> {
      assertThat(f.attr("method")).isEqualTo("post");
      assertThat(f.attr("action")).isEqualTo("/chat");
    });
    assertThat(doc.select("form button[name=message]")).extracting(e -> e.attr("value"))
        .containsExactlyElementsOf(ScriptedAgent.CANNED);
  }

  @Test
  void eventStream_firstSendsEveryBadge_thenTheStatusOfAToolkitConnectedThroughTheSandbox() throws Exception {
    BlockingQueue<JsonNode> events = subscribe();
    List<JsonNode> first = List.of(next(events, e -> true), next(events, e -> true), next(events, e -> true));
    assertThat(first).extracting(e -> e.get("toolkit").asText()).containsExactly("exa", "github", "gmail");
    assertThat(first).allSatisfy(e -> assertThat(e.get("status").asText()).isEqualTo("not_connected"));

    HttpResponse<String> landed = user.signIn(URI.create(host.base() + "/connect/gmail"), "you");

    assertThat(landed.statusCode()).isEqualTo(200);
    assertThat(Jsoup.parse(landed.body()).selectFirst("h1").text()).as("tether-pages' landing page").isEqualTo("Gmail is connected");
    JsonNode pending = next(events, e -> e.get("toolkit").asText().equals("gmail") && e.has("line"));
    assertThat(pending.get("line").asText()).contains("gmail", "INITIATED");
    JsonNode active = next(events, e -> e.get("toolkit").asText().equals("gmail") && e.get("status").asText().equals("active"));
    assertThat(active.get("label").asText()).isEqualTo("Active");
    assertThat(active.get("account").asText()).startsWith("ca_");
    assertThat(active.get("line").asText()).contains("INITIATED → ACTIVE");
    assertThat(active.toString()).doesNotContain("state=", "code=", "token");

    Document now = Jsoup.parse(get("/").body());
    assertThat(now.getElementById("badge-gmail").text()).as("a reload agrees").isEqualTo("Active");
  }

  @Test
  void eventStream_apiKeyTypedIntoTheLinkForm_arrivesActive_andTheKeyIsNowhere() throws Exception {
    BlockingQueue<JsonNode> events = subscribe();
    next(events, e -> e.get("toolkit").asText().equals("gmail"));
    URI link = URI.create(get("/connect/exa").headers().firstValue("Location").orElseThrow());
    Document form = Jsoup.parse(get(link.getPath()).body());
    assertThat(form.selectFirst("input[name=api_key]").attr("type")).isEqualTo("password");

    HttpResponse<String> bad = user.submit(link, Map.of("api_key", "exa key with spaces 0123456789"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).doesNotContain("exa key with spaces").contains("role=\"alert\"");

    HttpResponse<String> done = user.submit(link, Map.of("api_key", "exa-sandbox-key-0123456789"));
    assertThat(Jsoup.parse(done.body()).selectFirst("h1").text()).isEqualTo("Exa is connected");
    JsonNode active = next(events, e -> e.get("toolkit").asText().equals("exa") && e.get("status").asText().equals("active"));
    assertThat(active.toString()).doesNotContain("exa-sandbox-key");
  }

  @Test
  void chat_playsTheInChatFlowAgainstTheEngine() throws Exception {
    HttpResponse<String> asked = chat("message", "Summarize my emails from today");
    assertThat(asked.statusCode()).isEqualTo(303);
    assertThat(asked.headers().firstValue("Location")).hasValue(host.base() + "/#chat");

    Document page = Jsoup.parse(get("/").body());
    List<String> turns = page.select(".transcript li").eachText();
    assertThat(turns).anySatisfy(t -> assertThat(t).startsWith("You").contains("Summarize my emails from today"));
    assertThat(turns).anySatisfy(t -> assertThat(t).contains("COMPOSIO_MANAGE_CONNECTIONS {\"toolkits\":[\"gmail\"]}"));
    Element agentLink = page.selectFirst(".transcript .agent a");
    assertThat(agentLink.attr("href")).startsWith(host.base() + "/link/ln_");
    assertThat(agentLink.attr("target")).isEqualTo("_blank");
    JsonNode seen = JSON.readTree(page.selectFirst("#agent-json pre").wholeText());
    assertThat(seen.at("/data/results/gmail/status").asText()).isEqualTo("initiated");
    assertThat(seen.at("/data/results/gmail/redirect_url").asText()).isEqualTo(agentLink.attr("href"));

    chat("message", "Done");
    assertThat(Jsoup.parse(get("/").body()).select(".transcript .agent").last().text())
        .as("not signed in yet").contains("still don't see an active Gmail connection");

    user.signIn(URI.create(agentLink.attr("href")), "you");
    chat("message", "Done");
    Document after = Jsoup.parse(get("/").body());
    assertThat(after.select(".transcript .tool").last().text()).contains("\"session_id\":\"" + demo.id() + "\"");
    assertThat(after.select(".transcript .agent").last().text()).startsWith("Agent Gmail is connected (ca_");
    assertThat(JSON.readTree(after.selectFirst("#agent-json pre").wholeText()).at("/data/message").asText())
        .isEqualTo("All connections are active");
    assertThat(after.getElementById("badge-gmail").text()).isEqualTo("Active");

    chat("reset", "1");
    assertThat(Jsoup.parse(get("/").body()).select(".transcript li")).hasSize(1);
  }

  @Test
  void chat_hostileMessage_isShownAsText() throws Exception {
    String hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\" 🔑";
    chat("message", hostile);
    Document page = Jsoup.parse(get("/").body());
    assertThat(page.select(".transcript .user").last().wholeText()).isEqualTo("You " + hostile);
    assertThat(page.select("script")).hasSize(1);
    assertThat(page.select("img")).isEmpty();
  }

  @Test
  void chat_fromAnotherSite_isRefused() throws Exception {
    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(host.base() + "/chat")).timeout(BUDGET)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
        .POST(HttpRequest.BodyPublishers.ofString("message=Done")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(Jsoup.parse(get("/").body()).select(".transcript .user")).isEmpty();
  }

  @Test
  void callback_forgedState_showsTheRejectedPage() throws Exception {
    HttpResponse<String> forged = get("/oauth/callback?state=forged&code=abc");
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(Jsoup.parse(forged.body()).selectFirst("h1").text()).isEqualTo("This sign-in can’t be completed");
    assertThat(get("/link/ln_unknown").statusCode()).isEqualTo(404);
  }

  @Test
  void colours_meetWcagAaContrast() {
    for (String[] c : Dashboard.BADGES) {
      assertThat(contrast(c[1], c[2])).as("badge %s", c[0]).isGreaterThanOrEqualTo(4.5);
      assertThat(Dashboard.CSS).contains(".badge." + c[0] + "{color:" + c[1] + ";background:" + c[2] + "}");
    }
    for (String[] c : Dashboard.TEXT) {
      assertThat(contrast(c[1], c[2])).as(c[0]).isGreaterThanOrEqualTo(4.5);
      assertThat(Dashboard.CSS).contains(c[1], c[2]);
    }
    assertThat(Dashboard.CSS).contains(":focus-visible{outline:3px solid");
  }

  // ---------------------------------------------------------------- helpers

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(host.base() + pathAndQuery)).timeout(BUDGET).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> chat(String name, String value) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(host.base() + "/chat")).timeout(BUDGET)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "same-origin")
        .POST(HttpRequest.BodyPublishers.ofString(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens {@code /events} and hands each {@code status} event's data to the queue as it arrives. */
  private BlockingQueue<JsonNode> subscribe() throws Exception {
    HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(host.base() + "/events"))
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    background.submit(() -> {
      List<String> lines = new ArrayList<>();
      response.body().forEach(line -> {
        if (!line.isEmpty()) {
          lines.add(line);
          return;
        }
        if (lines.contains("event: status")) {
          lines.stream().filter(l -> l.startsWith("data: ")).findFirst().ifPresent(l -> {
            try {
              events.add(JSON.readTree(l.substring(6)));
            } catch (IOException e) {
              throw new IllegalStateException("not JSON: " + l, e);
            }
          });
        }
        lines.clear();
      });
      return null;
    });
    return events;
  }

  /** The next event matching {@code wanted}, skipping others; fails after the budget. */
  private static JsonNode next(BlockingQueue<JsonNode> events, Predicate<JsonNode> wanted) throws InterruptedException {
    long until = System.nanoTime() + BUDGET.toNanos();
    List<JsonNode> skipped = new ArrayList<>();
    while (true) {
      JsonNode e = events.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(e).as("an event within %s; skipped %s", BUDGET, skipped).isNotNull();
      if (wanted.test(e)) {
        return e;
      }
      skipped.add(e);
    }
  }

  static double contrast(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
  }

  private static double channel(int value) {
    double c = (value & 0xff) / 255.0;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
}

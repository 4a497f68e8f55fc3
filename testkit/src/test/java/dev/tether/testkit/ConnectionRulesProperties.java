package dev.tether.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Connection rules as properties, with the testkit's own arbitraries. */
class ConnectionRulesProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KNOWN = List.of("gmail", "github", "hackernews", "exa");

  private static Tether engine(FakeToolkitProvider fake) {
    return Tether.builder().redirectUri(URI.create("https://app.test/oauth/callback")).clock(TestClock.standing())
        .connectBaseUrl(URI.create("https://app.test/link")).discoverProviders(false).provider(fake).build();
  }

  private static FakeToolkitProvider fake() {
    return FakeToolkitProvider.builder().oauth2("gmail", "Gmail").oauth2("github", "GitHub")
        .noAuth("hackernews", "Hacker News").apiKey("exa", "Exa").build();
  }

  @Provide
  Arbitrary<List<String>> requests() {
    return ConnectionArbitraries.toolkitRequests(KNOWN);
  }

  @Property(tries = 200)
  void summaryAddsUp_andResultsAreTheNormalisedDistinctSlugsInFirstSeenOrder(
      @ForAll("requests") List<String> toolkits, @ForAll boolean reinitiateAll) throws Exception {
    Session session = engine(fake()).createSession("alice");
    ObjectNode args = JSON.createObjectNode();
    ArrayNode list = args.putArray("toolkits");
    toolkits.forEach(list::add);
    args.put("reinitiate_all", reinitiateAll);

    JsonNode data = JSON.readTree(session.execute("COMPOSIO_MANAGE_CONNECTIONS", args.toString())).get("data");

    Set<String> expected = new LinkedHashSet<>();
    toolkits.forEach(t -> expected.add(t.strip().toLowerCase(Locale.ROOT)));
    List<String> keys = new ArrayList<>();
    data.get("results").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyElementsOf(expected);
    JsonNode s = data.get("summary");
    assertThat(s.get("active_connections").asInt() + s.get("initiated_connections").asInt()
        + s.get("failed_connections").asInt()).isEqualTo(s.get("total_toolkits").asInt()).isEqualTo(expected.size());
    int failedUnknown = (int) expected.stream().filter(k -> !KNOWN.contains(k)).count();
    assertThat(s.get("failed_connections").asInt()).isEqualTo(failedUnknown);
  }

  @Property(tries = 50)
  void idsAndStatesNeverRepeat(@ForAll @IntRange(min = 1, max = 120) int links) {
    Tether tether = engine(fake());
    Set<String> sessions = new HashSet<>();
    Set<String> accounts = new HashSet<>();
    Set<String> states = new HashSet<>();
    for (int i = 0; i < links; i++) {
      Session s = tether.createSession("user_" + (i % 7));
      sessions.add(s.id());
      ConnectionRequest r = s.authorize(i % 2 == 0 ? "gmail" : "github");
      accounts.add(r.id());
      String linkId = r.redirectUrl().getPath().substring("/link/".length());
      states.add(FakeToolkitProvider.stateOf(tether.connectLink(linkId).orElseThrow().authorizationUrl().orElseThrow()));
    }
    assertThat(sessions).hasSize(links);
    assertThat(accounts).hasSize(links);
    assertThat(states).hasSize(links);
  }

  @Provide
  Arbitrary<URI> callbackUrls() {
    return ConnectionArbitraries.callbackUrls();
  }

  @Property(tries = 200)
  void callbackRedirect_keepsItsOwnQuery_andGainsExactlyStatusAndAccountId(
      @ForAll("callbackUrls") URI callbackUrl, @ForAll boolean approve) {
    FakeToolkitProvider fake = fake();
    Tether tether = Tether.builder().redirectUri(URI.create("https://app.test/oauth/callback"))
        .allowedCallbackOrigins(ConnectionArbitraries.CALLBACK_ORIGINS.toArray(String[]::new))
        .clock(TestClock.standing()).discoverProviders(false).provider(fake).build();
    Session session = tether.createSession("alice", SessionOptions.builder().callbackUrl(callbackUrl).build());
    ConnectionRequest r = session.authorize("gmail");

    CallbackResult result = tether.handleCallback(approve ? FakeToolkitProvider.approve(r.redirectUrl(), "c")
        : FakeToolkitProvider.deny(r.redirectUrl(), "access_denied"));

    URI redirect = result.redirectUrl().orElseThrow();
    assertThat(redirect.getScheme() + "://" + redirect.getRawAuthority() + redirect.getRawPath())
        .isEqualTo(callbackUrl.getScheme() + "://" + callbackUrl.getRawAuthority() + callbackUrl.getRawPath());
    List<String> own = callbackUrl.getRawQuery() == null ? List.of() : List.of(callbackUrl.getRawQuery().split("&"));
    List<String> expected = new ArrayList<>(own);
    expected.add("status=" + (approve ? "success" : "failed"));
    expected.add("connected_account_id=" + r.id());
    assertThat(List.of(redirect.getRawQuery().split("&"))).containsExactlyElementsOf(expected);
  }

  @Provide
  Arbitrary<String> junk() {
    return ConnectionArbitraries.junkSlugs();
  }

  @Property(tries = 200)
  void junkSlugs_neverCreateAnAccount_andNeverInventAToolkit(@ForAll("junk") String slug) throws Exception {
    FakeToolkitProvider fake = fake();
    Session session = engine(fake).createSession("alice");
    ObjectNode args = JSON.createObjectNode();
    args.putArray("toolkits").add(slug);
    JsonNode root = JSON.readTree(session.execute("COMPOSIO_MANAGE_CONNECTIONS", args.toString()));
    if (root.get("successful").asBoolean()) {
      JsonNode only = root.at("/data/results").elements().next();
      if (!KNOWN.contains(slug.strip().toLowerCase(Locale.ROOT))) {
        assertThat(only.get("status").asText()).isEqualTo("failed");
        assertThat(only.get("error_message").asText()).contains("Available toolkits: exa, github, gmail, hackernews");
      }
    } else {
      assertThat(root.get("error").asText()).isNotBlank();
    }
    assertThat(fake.authorizeCount()).isLessThanOrEqualTo(KNOWN.contains(slug.strip().toLowerCase(Locale.ROOT)) ? 1 : 0);
  }

  @Property(tries = 100)
  void spellingsOfAKnownSlug_allReachTheSameToolkit(@ForAll("spellings") String spelling) {
    ConnectionRequest r = engine(fake()).createSession("alice").authorize(spelling);
    assertThat(r.toolkit()).isEqualTo("gmail");
  }

  @Provide
  Arbitrary<String> spellings() {
    return ConnectionArbitraries.spellingsOf("gmail");
  }
}

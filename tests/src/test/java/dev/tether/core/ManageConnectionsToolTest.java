package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.spi.ProviderException;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §5: the COMPOSIO_MANAGE_CONNECTIONS meta-tool, row by row. */
class ManageConnectionsToolTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOOL = "COMPOSIO_MANAGE_CONNECTIONS";

  private final TestClock clock = TestClock.standing();
  private FakeToolkitProvider provider;
  private Tether tether;
  private Session session;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).build();
    session = tether.createSession("user_1");
  }

  private JsonNode manage(String args) throws Exception {
    return JSON.readTree(session.execute(TOOL, args));
  }

  private JsonNode manage(Session s, String args) throws Exception {
    return JSON.readTree(s.execute(TOOL, args));
  }

  private String connect(String toolkit) {
    ConnectionRequest r = session.authorize(toolkit);
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code-" + toolkit));
    assertThat(result.successful()).isTrue();
    return r.id();
  }

  @Test
  void unknownSlug_failsWithAvailableToolkits_neverInvented() throws Exception {
    JsonNode root = manage("{\"toolkits\":[\"gmial\"]}");
    assertThat(root.at("/data/message").asText()).isEqualTo("0 active, 0 initiated and 1 failed, out of 1 toolkit");
    JsonNode r = root.at("/data/results/gmial");
    assertThat(r.get("toolkit").asText()).isEqualTo("gmial");
    assertThat(r.get("status").asText()).isEqualTo("failed");
    assertThat(r.get("error_message").asText()).contains("'gmial' was not found")
        .contains("Available toolkits: github, gmail, hackernews, slack");
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void blankEntry_isReportedPerToolkit_theOthersStillAnswered() throws Exception {
    JsonNode root = manage("{\"toolkits\":[\"gmail\",\"  \",\"\"]}");
    assertThat(root.get("successful").asBoolean()).isTrue();
    JsonNode blank = root.at("/data/results").get("");
    assertThat(blank.get("status").asText()).isEqualTo("failed");
    assertThat(blank.get("error_message").asText()).startsWith("A toolkit slug is blank; pass one such as 'gmail'.")
        .contains("Available toolkits: github, gmail, hackernews, slack");
    assertThat(root.at("/data/results/gmail/status").asText()).isEqualTo("initiated");
    assertThat(root.at("/data/summary/total_toolkits").asInt()).isEqualTo(2);
    assertThat(root.at("/data/summary/failed_connections").asInt()).isEqualTo(1);
  }

  @Test
  void notEnabledInSession_fails() throws Exception {
    Session limited = tether.createSession("user_1", SessionOptions.builder().toolkits("gmail").build());
    JsonNode r = manage(limited, "{\"toolkits\":[\"github\"]}").at("/data/results/github");
    assertThat(r.get("status").asText()).isEqualTo("failed");
    assertThat(r.get("error_message").asText()).contains("not enabled");
    assertThat(provider.authorizeCount()).isEqualTo(0);
  }

  @Test
  void providerCannotBuildLink_failsWithWhatToConfigure_andStoresNothing() throws Exception {
    provider.failAuthorize("slack", ProviderException.definitive("client_not_configured",
        "Toolkit 'slack' has no OAuth client: set TETHER_SLACK_CLIENT_ID"));
    JsonNode r = manage("{\"toolkits\":[\"slack\"]}").at("/data/results/slack");
    assertThat(r.get("status").asText()).isEqualTo("failed");
    assertThat(r.get("error_message").asText()).contains("TETHER_SLACK_CLIENT_ID");
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void noAuthToolkit_isActiveWithoutAccount() throws Exception {
    JsonNode r = manage("{\"toolkits\":[\"hackernews\"]}").at("/data/results/hackernews");
    assertThat(r.get("status").asText()).isEqualTo("active");
    assertThat(r.get("has_active_connection").asBoolean()).isTrue();
    assertThat(r.has("connected_account_id")).isFalse();
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void activeAccount_reportedActiveWithIdAndCreatedAt() throws Exception {
    String id = connect("gmail");
    JsonNode r = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    assertThat(r.get("status").asText()).isEqualTo("active");
    assertThat(r.get("has_active_connection").asBoolean()).isTrue();
    assertThat(r.get("connected_account_id").asText()).isEqualTo(id);
    assertThat(r.get("created_at").asText()).isEqualTo(clock.instant().toString());
    assertThat(r.has("redirect_url")).isFalse();
  }

  @Test
  void pendingUnexpiredLink_isReused_noNewAccount() throws Exception {
    JsonNode first = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    clock.advance(Duration.ofMinutes(9));
    JsonNode second = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    assertThat(second.get("status").asText()).isEqualTo("initiated");
    assertThat(second.get("redirect_url").asText()).isEqualTo(first.get("redirect_url").asText());
    assertThat(second.get("connected_account_id").asText()).isEqualTo(first.get("connected_account_id").asText());
    assertThat(tether.accounts(AccountQuery.all())).hasSize(1);
    assertThat(provider.authorizeCount()).isEqualTo(1);
  }

  @Test
  void pendingLinkPastTtl_getsNewLink_oldOneExpires() throws Exception {
    JsonNode first = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    clock.advance(Duration.ofMinutes(10));
    JsonNode second = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    assertThat(second.get("connected_account_id").asText()).isNotEqualTo(first.get("connected_account_id").asText());
    assertThat(second.get("was_reinitiated").asBoolean()).isFalse();
    assertThat(tether.account(first.get("connected_account_id").asText()).orElseThrow().status())
        .isEqualTo(ConnectionStatus.EXPIRED);
  }

  @Test
  void notConnected_initiatesWithLinkInstructionAndWasReinitiatedFalse() throws Exception {
    JsonNode r = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    assertThat(r.get("status").asText()).isEqualTo("initiated");
    assertThat(r.get("redirect_url").asText()).startsWith(FakeToolkitProvider.ISSUER + "/gmail/authorize?");
    assertThat(r.get("connected_account_id").asText()).startsWith("ca_");
    assertThat(r.get("instruction").asText()).contains(r.get("redirect_url").asText()).contains("Gmail");
    assertThat(r.get("was_reinitiated").asBoolean()).isFalse();
    assertThat(tether.account(r.get("connected_account_id").asText()).orElseThrow().status())
        .isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void reinitiateAll_withActive_newLinkWasReinitiatedTrue_activeStaysActive() throws Exception {
    String active = connect("gmail");
    JsonNode r = manage("{\"toolkits\":[\"gmail\"],\"reinitiate_all\":true}").at("/data/results/gmail");
    assertThat(r.get("status").asText()).isEqualTo("initiated");
    assertThat(r.get("was_reinitiated").asBoolean()).isTrue();
    assertThat(r.get("connected_account_id").asText()).isNotEqualTo(active);
    assertThat(tether.account(active).orElseThrow().status()).as("never ACTIVE -> INITIATED")
        .isEqualTo(ConnectionStatus.ACTIVE);

    tether.handleCallback(FakeToolkitProvider.approve(URI.create(r.get("redirect_url").asText()), "again"));
    assertThat(tether.account(active).orElseThrow().status()).as("superseded once the new one completes")
        .isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(tether.account(r.get("connected_account_id").asText()).orElseThrow().status())
        .isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void reinitiateAll_withPendingLink_supersedesIt() throws Exception {
    JsonNode first = manage("{\"toolkits\":[\"gmail\"]}").at("/data/results/gmail");
    JsonNode second = manage("{\"toolkits\":[\"gmail\"],\"reinitiate_all\":true}").at("/data/results/gmail");
    assertThat(second.get("connected_account_id").asText()).isNotEqualTo(first.get("connected_account_id").asText());
    assertThat(tether.account(first.get("connected_account_id").asText()).orElseThrow().status())
        .isEqualTo(ConnectionStatus.EXPIRED);
  }

  @Test
  void summary_countsAddUp_andMessageNamesCounts() throws Exception {
    connect("github");
    JsonNode data = manage("{\"toolkits\":[\"github\",\"gmail\",\"nope\",\"hackernews\"]}").get("data");
    JsonNode summary = data.get("summary");
    assertThat(summary.get("total_toolkits").asInt()).isEqualTo(4);
    assertThat(summary.get("active_connections").asInt()).isEqualTo(2);
    assertThat(summary.get("initiated_connections").asInt()).isEqualTo(1);
    assertThat(summary.get("failed_connections").asInt()).isEqualTo(1);
    assertThat(data.get("message").asText()).isEqualTo("2 active, 1 initiated and 1 failed, out of 4 toolkits");
  }

  @Test
  void message_allActive_andAllInitiated() throws Exception {
    assertThat(manage("{\"toolkits\":[\"gmail\",\"github\"]}").at("/data/message").asText())
        .isEqualTo("All connections have been initiated and are pending completion");
    assertThat(manage("{\"toolkits\":[\"hackernews\"]}").at("/data/message").asText())
        .isEqualTo("All connections are active");
  }

  @Test
  void session_isEchoedWithInstructions() throws Exception {
    JsonNode s = manage("{\"toolkits\":[\"gmail\"]}").at("/data/session");
    assertThat(s.get("id").asText()).isEqualTo(session.id());
    String expected = "Pass session_id \"" + session.id() + "\" in every later meta-tool call "
        + "(COMPOSIO_MANAGE_CONNECTIONS, COMPOSIO_SEARCH_TOOLS) of this conversation.";
    assertThat(s.get("instructions").asText()).isEqualTo(expected);
    assertThat(session.manageConnections(List.of("gmail"), false).sessionInstructions()).isEqualTo(expected);
  }

  @Test
  void toolkits_normalisedAndDeduplicated_firstSeenOrderKept() throws Exception {
    JsonNode results = manage("{\"toolkits\":[\"  GitHub \",\"gmail\",\"github\",\"GMAIL\",\"hackernews\"]}")
        .at("/data/results");
    List<String> keys = new ArrayList<>();
    results.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("github", "gmail", "hackernews");
    assertThat(manage("{\"toolkits\":[\"gmail\"]}").at("/data/summary/total_toolkits").asInt()).isEqualTo(1);
    assertThat(session.manageConnections(List.of("  GitHub ", "gmail", "github", "GMAIL", "hackernews"), false)
        .results()).containsOnlyKeys("github", "gmail", "hackernews").extractingFromEntries(Map.Entry::getKey)
        .containsExactly("github", "gmail", "hackernews");
  }

  /** A result built by hand keeps its own copy of the results, in the order given, and cannot be changed. */
  @Test
  void typedResult_copiesItsResultsInOrder() {
    ManageConnectionsResult.ToolkitResult gmail = ManageConnectionsResult.ToolkitResult.failed("gmail", "why");
    ManageConnectionsResult.ToolkitResult slack = ManageConnectionsResult.ToolkitResult.failed("slack", "why");
    Map<String, ManageConnectionsResult.ToolkitResult> given = new LinkedHashMap<>();
    given.put("slack", slack);
    given.put("gmail", gmail);
    ManageConnectionsResult result = new ManageConnectionsResult(given,
        new ManageConnectionsResult.Summary(2, 0, 0, 2), "m", "trs_x", "i");
    given.remove("slack");
    assertThat(result.results().keySet()).containsExactly("slack", "gmail");
    assertThatThrownBy(() -> result.results().remove("gmail"))
        .isInstanceOf(UnsupportedOperationException.class);
    given.put("slack", null);
    assertThatThrownBy(() -> new ManageConnectionsResult(given, new ManageConnectionsResult.Summary(2, 0, 0, 2), "m",
        "trs_x", "i")).isInstanceOf(NullPointerException.class).hasMessageContaining("slack");
  }

  /** An answer with a link (its URL may carry the flow's state) leaves no buffer behind on the thread. */
  @Test
  void answerWithALink_isNotKeptInTheThreadsBuffer() {
    connect("gmail");
    session.execute(TOOL, "{\"toolkits\":[\"gmail\"]}");
    assertThat(JsonText.threadKeepsABuffer()).isTrue();
    assertThat(session.execute(TOOL, "{\"toolkits\":[\"gmail\",\"github\"]}")).contains("redirect_url");
    assertThat(JsonText.threadKeepsABuffer()).isFalse();
  }

  /** The wire text of the result shapes besides ACTIVE: no-auth and FAILED (INITIATED's link is random). */
  @Test
  void noAuthAndFailedResults_haveTheirExactText() {
    String text = session.execute(TOOL, "{\"toolkits\":[\"hackernews\",\"gmial\"]}");
    assertThat(text).contains("\"hackernews\":{\"toolkit\":\"hackernews\",\"status\":\"active\","
        + "\"has_active_connection\":true}");
    assertThat(text).contains("\"gmial\":{\"toolkit\":\"gmial\",\"status\":\"failed\",\"error_message\":"
        + "\"Toolkit 'gmial' was not found. Available toolkits: github, gmail, hackernews, slack.\"}");
  }

  @Test
  void successfulResponse_hasWireShape() throws Exception {
    JsonNode root = manage("{\"toolkits\":[\"gmail\"],\"session_id\":\"" + session.id() + "\"}");
    assertThat(root.get("successful").asBoolean()).isTrue();
    assertThat(root.get("error").isNull()).isTrue();
    List<String> dataFields = new ArrayList<>();
    root.get("data").fieldNames().forEachRemaining(dataFields::add);
    assertThat(dataFields).containsExactly("message", "results", "summary", "session");
  }

  /** The hosted tool's member order within a result, for an ACTIVE and an INITIATED toolkit. */
  @Test
  void resultObjects_haveTheHostedToolsMembersInOrder() throws Exception {
    String id = connect("gmail");
    String text = session.execute(TOOL, "{\"toolkits\":[\"gmail\",\"github\"]}");
    assertThat(text).contains("\"gmail\":{\"toolkit\":\"gmail\",\"status\":\"active\",\"has_active_connection\":true,"
        + "\"connected_account_id\":\"" + id + "\",\"created_at\":\"" + clock.instant() + "\"}");
    JsonNode github = JSON.readTree(text).at("/data/results/github");
    List<String> members = new ArrayList<>();
    github.fieldNames().forEachRemaining(members::add);
    assertThat(members).containsExactly("toolkit", "status", "connected_account_id", "redirect_url", "instruction",
        "was_reinitiated");
  }

  // ---- request-level errors: successful=false, one sentence, nothing changed

  private void assertRequestError(JsonNode root, String expectedFragment) {
    assertThat(root.get("successful").asBoolean()).isFalse();
    assertThat(root.get("error").asText()).contains(expectedFragment).endsWith(".");
    assertThat(root.get("error").asText().split("\\. [A-Z]")).as("one sentence").hasSize(1);
    assertThat(tether.accounts(AccountQuery.all())).as("no account created").isEmpty();
    assertThat(provider.authorizeCount()).isEqualTo(0);
  }

  @Test
  void malformedJson_fails() throws Exception {
    assertRequestError(manage("{\"toolkits\": [\"gmail\""), "not valid JSON");
  }

  @Test
  void contentAfterTheObject_isRefusedWhole() throws Exception {
    assertRequestError(manage("{\"toolkits\":[\"gmail\"]} {\"toolkits\":[\"github\"]}"), "content after");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"]}]"), "gmail");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"]} x"), "gmail");
  }

  @Test
  void duplicatedKey_isRefusedWhole_soNoReaderPicksADifferentSession() throws Exception {
    Session other = tether.createSession("user_2");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"session_id\":\"" + session.id()
        + "\",\"session_id\":\"" + other.id() + "\"}"), "twice");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"toolkits\":[\"github\"]}"), "twice");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"extra\":{\"a\":1,\"a\":2}}"), "twice");
  }

  @Test
  void nestingBeyondTheLimit_isRefused_notAnException() throws Exception {
    String deep = "[".repeat(MetaToolJson.MAX_NESTING_DEPTH + 5) + "]".repeat(MetaToolJson.MAX_NESTING_DEPTH + 5);
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"extra\":" + deep + "}"), "nest deeper than");
    String fine = "[".repeat(8) + "]".repeat(8);
    assertThat(manage("{\"toolkits\":[\"gmail\"],\"extra\":" + fine + "}").get("successful").asBoolean()).isTrue();
  }

  @Test
  void nullArgumentsAndNullToolSlug_answerWithoutThrowing() throws Exception {
    assertRequestError(JSON.readTree(session.execute(TOOL, null)), "missing");
    assertRequestError(JSON.readTree(session.execute(null, "{\"toolkits\":[\"gmail\"]}")), "slug is missing");
    assertRequestError(JSON.readTree(session.execute(null, null)), "missing");
  }

  @Test
  void notAnObject_fails() throws Exception {
    assertRequestError(manage("[\"gmail\"]"), "JSON object");
  }

  @Test
  void missingToolkits_fails() throws Exception {
    assertRequestError(manage("{}"), "toolkits is required");
    assertRequestError(manage("{\"toolkits\":null}"), "toolkits is required");
  }

  @Test
  void emptyToolkits_fails() throws Exception {
    assertRequestError(manage("{\"toolkits\":[]}"), "toolkits is empty");
  }

  @Test
  void fiftyOneToolkits_fails_fiftyRuns() throws Exception {
    String many = IntStream.range(0, 51).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
    assertRequestError(manage("{\"toolkits\":[" + many + "]}"), "51 entries");
    String fifty = IntStream.range(0, 50).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(","));
    assertThat(manage("{\"toolkits\":[" + fifty + "]}").at("/data/summary/failed_connections").asInt()).isEqualTo(50);
  }

  @Test
  void toolkitsWrongType_fails() throws Exception {
    assertRequestError(manage("{\"toolkits\":\"gmail\"}"), "must be an array");
    assertRequestError(manage("{\"toolkits\":[42]}"), "toolkits[0] must be a string");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"reinitiate_all\":\"yes\"}"), "reinitiate_all");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"session_id\":7}"), "session_id must be a string");
  }

  @Test
  void unknownSessionId_fails() throws Exception {
    Session other = tether.createSession("user_2");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"session_id\":\"trs_nope\"}"), "Unknown session_id");
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"session_id\":\"" + other.id() + "\"}"), "Unknown session_id");
  }

  @Test
  void emptySessionId_isAbsent_andSpacesAroundOneAreNotPartOfIt() throws Exception {
    assertThat(manage("{\"toolkits\":[\"gmail\"],\"session_id\":\"\"}").get("successful").asBoolean())
        .as("models send \"\" for an optional string").isTrue();
    assertThat(manage("{\"toolkits\":[\"gmail\"],\"session_id\":\" " + session.id() + " \"}").get("successful")
        .asBoolean()).isTrue();
  }

  @Test
  void expiredSession_fails() throws Exception {
    clock.advance(Duration.ofHours(25));
    assertRequestError(manage("{\"toolkits\":[\"gmail\"],\"session_id\":\"" + session.id() + "\"}"), "expired");
  }

  @Test
  void metaToolDisabled_fails_butAuthorizeWorks() throws Exception {
    Session manual = tether.createSession("user_1", SessionOptions.builder().manageConnections(false).build());
    assertRequestError(manage(manual, "{\"toolkits\":[\"gmail\"]}"), "disabled");
    assertThat(manual.tools()).isEmpty();
    assertThat(manual.authorize("gmail").status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void unknownToolSlug_fails_namingOnlyTheToolsThisSessionOffers() throws Exception {
    JsonNode root = JSON.readTree(session.execute("COMPOSIO_DELETE_EVERYTHING", "{}"));
    assertThat(root.get("successful").asBoolean()).isFalse();
    assertThat(root.get("error").asText()).isEqualTo("Unknown tool 'COMPOSIO_DELETE_EVERYTHING'; this session offers "
        + "COMPOSIO_MANAGE_CONNECTIONS, COMPOSIO_SEARCH_TOOLS.");
    Session manual = tether.createSession("user_1", SessionOptions.builder().manageConnections(false).build());
    assertThat(JSON.readTree(manual.execute("COMPOSIO_NOPE", "{}")).get("error").asText())
        .isEqualTo("Unknown tool 'COMPOSIO_NOPE'; this session offers no meta-tools (the host turned them off).");
  }

  @Test
  void tools_describeMetaToolWithJsonSchema() throws Exception {
    assertThat(session.tools()).extracting(ToolDefinition::name)
        .containsExactly(TOOL, "COMPOSIO_SEARCH_TOOLS");
    ToolDefinition def = session.tools().get(0);
    assertThat(def.name()).isEqualTo(TOOL);
    JsonNode schema = JSON.readTree(def.inputSchema());
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.get("required").toString()).isEqualTo("[\"toolkits\"]");
    assertThat(schema.at("/properties/toolkits/maxItems").asInt()).isEqualTo(50);
    assertThat(schema.at("/properties/reinitiate_all/type").asText()).isEqualTo("boolean");
    Iterator<String> props = schema.get("properties").fieldNames();
    List<String> names = new ArrayList<>();
    props.forEachRemaining(names::add);
    assertThat(names).containsExactly("toolkits", "reinitiate_all", "session_id");
  }

  @Test
  void typedApi_rejectsBadInputWithIllegalArgument() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> session.manageConnections(List.of(), false)).withMessageContaining("empty");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> session.manageConnections(java.util.Arrays.asList("gmail", null), false))
        .withMessageContaining("toolkits[1] is null");
  }
}

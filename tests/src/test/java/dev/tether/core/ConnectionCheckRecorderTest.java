package dev.tether.core;

import static dev.tether.core.ConnectionCheck.Status.ACTIVE;
import static dev.tether.core.ConnectionCheck.Status.FAILED;
import static dev.tether.core.ConnectionCheck.Status.INITIATED;
import static dev.tether.core.ConnectionCheck.Status.NOT_CONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.ConnectionCheck.Source;
import dev.tether.core.ConnectionCheck.ToolkitStatus;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection-check seam: every entry point (the typed call and the manage, search and wait
 * meta-tools) is recorded once with its toolkits' statuses or as refused; a throwing recorder
 * changes no answer; nothing that names the user reaches the recorder.
 */
class ConnectionCheckRecorderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "user-secret-42";

  /** One call of the recorder. */
  private record Recorded(ConnectionCheck check, long elapsedNanos) {}

  private final TestClock clock = TestClock.standing();
  private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private FakeToolkitProvider provider;
  private Tether tether;

  @BeforeEach
  void setUp() {
    Logger.getLogger(ConnectionChecks.class.getName()).addHandler(capture);
    provider = TestEngines.provider(
        new ToolkitDescriptor("gmail", "Gmail", AuthScheme.OAUTH2)
            .describedAs("Read, send and organise email in a Gmail inbox", "email"),
        new ToolkitDescriptor("outlook", "Outlook", AuthScheme.OAUTH2)
            .describedAs("Email and calendar in Microsoft 365", "email", "calendar"),
        new ToolkitDescriptor("github", "GitHub", AuthScheme.OAUTH2)
            .describedAs("Repositories, issues and pull requests on GitHub", "code"),
        new ToolkitDescriptor("hackernews", "Hacker News", AuthScheme.NONE)
            .describedAs("Read Hacker News stories and comments", "news", "social"));
    tether = TestEngines.builder(provider, clock)
        .connectionCheckRecorder((check, nanos) -> recorded.add(new Recorded(check, nanos)))
        .build();
  }

  @AfterEach
  void tearDown() {
    Logger.getLogger(ConnectionChecks.class.getName()).removeHandler(capture);
  }

  private String connect(Session s, String toolkit) {
    ConnectionRequest r = s.authorize(toolkit);
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code-" + toolkit)).successful())
        .isTrue();
    return r.id();
  }

  private static JsonNode call(Session s, String tool, String args) throws Exception {
    return JSON.readTree(s.execute(tool, args));
  }

  private List<ConnectionCheck> checks() {
    return recorded.stream().map(Recorded::check).toList();
  }

  private static ConnectionCheck check(Source source, int unknown, ToolkitStatus... toolkits) {
    return new ConnectionCheck(source, false, List.of(toolkits), unknown);
  }

  private static ToolkitStatus status(String toolkit, ConnectionCheck.Status status) {
    return new ToolkitStatus(toolkit, status);
  }

  @Test
  void typedCall_recordsEachServedToolkitOnce_inOrder_andCountsUnknownOnes() {
    Session s = tether.createSession(USER);
    connect(s, "gmail");

    ManageConnectionsResult result = s.manageConnections(List.of("gmail", " GitHub ", "hackernews", "gmial", "gmail"),
        false);

    assertThat(result.summary().totalToolkits()).isEqualTo(4);
    assertThat(checks()).containsExactly(check(Source.TYPED, 1,
        status("gmail", ACTIVE), status("github", INITIATED), status("hackernews", ACTIVE)));
    assertThat(recorded.get(0).elapsedNanos()).isNotNegative();
    assertThat(checks().get(0).allActive()).isFalse();
  }

  @Test
  void typedCall_allActive_isReportedAsSuch() {
    Session s = tether.createSession(USER);
    connect(s, "gmail");

    s.manageConnections(List.of("gmail", "hackernews"), false);

    assertThat(checks()).singleElement().satisfies(c -> assertThat(c.allActive()).isTrue());
  }

  @Test
  void manageMetaTool_recordsTheStatusesItAnswered_notEnabledAsFailed() throws Exception {
    Session s = tether.createSession(USER, SessionOptions.builder().toolkits("gmail", "github").build());
    connect(s, "gmail");

    JsonNode answer = call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\",\"github\",\"outlook\"]}");

    assertThat(answer.get("successful").asBoolean()).isTrue();
    assertThat(checks()).containsExactly(check(Source.MANAGE_CONNECTIONS, 0,
        status("gmail", ACTIVE), status("github", INITIATED), status("outlook", FAILED)));
  }

  @Test
  void searchMetaTool_recordsTheToolkitsItReturned_eachOnce() throws Exception {
    Session s = tether.createSession(USER);
    connect(s, "gmail");

    JsonNode answer = call(s, "COMPOSIO_SEARCH_TOOLS", "{\"queries\":[{\"use_case\":\"send an email to my boss\"},"
        + "{\"use_case\":\"read my email\"},{\"use_case\":\"open an issue\"}]}");

    assertThat(answer.get("successful").asBoolean()).isTrue();
    ConnectionCheck c = checks().get(0);
    assertThat(checks()).hasSize(1);
    assertThat(c.source()).isEqualTo(Source.SEARCH_TOOLS);
    assertThat(c.refused()).isFalse();
    assertThat(c.toolkits()).startsWith(status("gmail", ACTIVE), status("outlook", NOT_CONNECTED))
        .contains(status("github", NOT_CONNECTED))
        .extracting(ToolkitStatus::toolkit).doesNotHaveDuplicates();
  }

  @Test
  void waitMetaTool_recordsTheFinalStatuses_onceForTheWholeWait() throws Exception {
    Session s = tether.createSession(USER, SessionOptions.builder().waitForConnections(true).build());
    connect(s, "gmail");

    // github has no pending link, so the wait cannot succeed and answers at once.
    JsonNode answer = call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS",
        "{\"toolkits\":[\"gmail\",\"github\",\"nope\"],\"timeout_seconds\":120}");

    assertThat(answer.at("/data/condition_met").asBoolean()).isFalse();
    assertThat(checks()).containsExactly(check(Source.WAIT_FOR_CONNECTIONS, 1,
        status("gmail", ACTIVE), status("github", NOT_CONNECTED)));
  }

  @Test
  void refusedRequests_areRecordedAsRefused_byEntryPoint() throws Exception {
    Session s = tether.createSession(USER);
    call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{}");
    call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[]}");
    call(s, "COMPOSIO_MANAGE_CONNECTIONS", "  ");
    call(s, "COMPOSIO_SEARCH_TOOLS", "{\"queries\":[]}");
    call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"gmail\"]}"); // not offered to this session
    assertThatIllegalArgumentException().isThrownBy(() -> s.manageConnections(List.of(), false));

    assertThat(checks()).containsExactly(
        ConnectionCheck.refusal(Source.MANAGE_CONNECTIONS),
        ConnectionCheck.refusal(Source.MANAGE_CONNECTIONS),
        ConnectionCheck.refusal(Source.MANAGE_CONNECTIONS),
        ConnectionCheck.refusal(Source.SEARCH_TOOLS),
        ConnectionCheck.refusal(Source.WAIT_FOR_CONNECTIONS),
        ConnectionCheck.refusal(Source.TYPED));
    assertThat(checks()).noneMatch(ConnectionCheck::allActive);
  }

  @Test
  void expiredSession_isRecordedAsRefused_andACallNamingNoCheckIsNotRecorded() throws Exception {
    Session s = tether.createSession(USER);
    clock.advance(Tether.Builder.DEFAULT_SESSION_IDLE_TIMEOUT.plus(Duration.ofMinutes(1)));

    assertThat(call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\"]}").get("error").asText())
        .contains("expired");
    assertThatThrownBy(() -> s.manageConnections(List.of("gmail"), false))
        .isInstanceOf(SessionExpiredException.class);
    call(s, "NOT_A_TOOL", "{}");

    assertThat(checks()).containsExactly(ConnectionCheck.refusal(Source.MANAGE_CONNECTIONS),
        ConnectionCheck.refusal(Source.TYPED));
  }

  @Test
  void throwingRecorder_neverChangesAnAnswer_andIsLoggedOnce() throws Exception {
    Tether plain = TestEngines.builder(provider, clock).build();
    Tether broken = TestEngines.builder(provider, clock).connectionCheckRecorder((check, nanos) -> {
      throw new IllegalStateException("recorder down");
    }).build();
    Session p = plain.createSession(USER);
    Session b = broken.createSession(USER);

    ManageConnectionsResult typed = b.manageConnections(List.of("hackernews", "gmial"), false);
    JsonNode manage = call(b, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"hackernews\"]}");
    JsonNode search = call(b, "COMPOSIO_SEARCH_TOOLS", "{\"queries\":[{\"use_case\":\"read the news\"}]}");
    JsonNode refused = call(b, "COMPOSIO_MANAGE_CONNECTIONS", "{}");
    assertThatIllegalArgumentException().isThrownBy(() -> b.manageConnections(List.of(), false))
        .withMessageContaining("toolkits is empty");

    assertThat(typed.results()).isEqualTo(p.manageConnections(List.of("hackernews", "gmial"), false).results());
    assertThat(manage.at("/data/results")).isEqualTo(
        call(p, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"hackernews\"]}").at("/data/results"));
    assertThat(search.at("/data/results")).isEqualTo(
        call(p, "COMPOSIO_SEARCH_TOOLS", "{\"queries\":[{\"use_case\":\"read the news\"}]}").at("/data/results"));
    assertThat(refused.get("error").asText()).isEqualTo(call(p, "COMPOSIO_MANAGE_CONNECTIONS", "{}").get("error")
        .asText());
    assertThat(logged).singleElement().satisfies(r -> {
      assertThat(r.getLevel()).isEqualTo(Level.WARNING);
      assertThat(r.getThrown()).hasMessage("recorder down");
      assertThat(r.getMessage()).contains("IllegalStateException").doesNotContain(USER).doesNotContain(b.id());
    });
  }

  @Test
  void recorder_neverSeesTheUserSessionAccountOrWhatTheModelTyped() throws Exception {
    Session s = tether.createSession(USER, SessionOptions.builder().waitForConnections(true).build());
    String account = connect(s, "gmail");
    s.manageConnections(List.of("gmail", "github"), false);
    call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\",\"" + USER + "\"],\"session_id\":\"" + s.id()
        + "\"}");
    call(s, "COMPOSIO_SEARCH_TOOLS", "{\"queries\":[{\"use_case\":\"email " + USER + "\"}],\"session\":{\"id\":\""
        + s.id() + "\"}}");
    call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"gmail\"],\"timeout_seconds\":0}");
    call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\"],\"session_id\":\"trs_other\"}");

    assertThat(checks()).hasSize(5).allSatisfy(c -> assertThat(c.toString())
        .doesNotContain(USER).doesNotContain(s.id()).doesNotContain(account).doesNotContain("trs_")
        .doesNotContain("ca_").doesNotContain("http"));
    assertThat(checks().get(1).unknownToolkits()).isEqualTo(1);
    assertThat(checks().get(4).refused()).isTrue();
  }

  @Test
  void builder_recorderSetTwice_fails_andTheDisabledOneStillAnswers() {
    Tether.Builder b = Tether.builder().connectionCheckRecorder(ConnectionCheckRecorder.disabled());
    assertThatIllegalStateException().isThrownBy(() -> b.connectionCheckRecorder((c, n) -> { }))
        .withMessageContaining("connectionCheckRecorder was already set");
    assertThatThrownBy(() -> Tether.builder().connectionCheckRecorder(null)).isInstanceOf(NullPointerException.class);

    Tether quiet = TestEngines.builder(provider, clock).connectionCheckRecorder(ConnectionCheckRecorder.disabled())
        .build();
    assertThat(quiet.createSession(USER).manageConnections(List.of("hackernews"), false).summary()
        .activeConnections()).isEqualTo(1);
  }

  @Test
  void connectionCheck_refusedWithToolkits_orNegativeUnknown_isRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionCheck(Source.TYPED, true,
        List.of(status("gmail", ACTIVE)), 0));
    assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionCheck(Source.TYPED, false, List.of(), -1))
        .withMessageContaining("-1");
    assertThat(new ConnectionCheck(Source.TYPED, false, List.of(), 0).allActive()).isFalse();
  }
}

package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §3: sessions, their options, toolkits() and idle expiry. */
class SessionsTest {
  private final TestClock clock = TestClock.standing();
  private FakeToolkitProvider provider;
  private Tether tether;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).build();
  }

  private String connect(Session s, String toolkit) {
    ConnectionRequest r = s.authorize(toolkit);
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c")).successful()).isTrue();
    return r.id();
  }

  @Test
  void createSession_hasRandomTrsIdAndUser() {
    Session a = tether.createSession("user_1");
    Session b = tether.createSession("user_1");
    assertThat(a.id()).startsWith("trs_").hasSize(4 + 26).isNotEqualTo(b.id());
    assertThat(a.userId()).isEqualTo("user_1");
    assertThat(a.options()).isEqualTo(SessionOptions.defaults());
    assertThat(tether.session(a.id())).contains(a);
  }

  @Test
  void createSession_blankUser_rejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> tether.createSession(" "))
        .withMessageContaining("userId");
  }

  @Test
  void createSession_userWithControlCharacters_rejected_nothingStored() {
    assertThatIllegalArgumentException().isThrownBy(() -> tether.createSession("alice\nWARN forged line"))
        .withMessage("userId must not contain control characters; it has U+000A at index 5: pass the host's own id "
            + "for the user, such as \"user_123\"");
    assertThatIllegalArgumentException().isThrownBy(() -> tether.createSession("a\u0000b"))
        .withMessageContaining("U+0000 at index 1");
    assertThatIllegalArgumentException().isThrownBy(() -> tether.createSession("a\u0085"))
        .withMessageContaining("U+0085");
    assertThat(tether.createSession("José Ünïcode@example.com").userId()).isEqualTo("José Ünïcode@example.com");
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void manageConnectionsFalse_removesMetaTool_manualAuthorizeWorks() {
    Session s = tether.createSession("u", SessionOptions.builder().manageConnections(false).build());
    assertThat(s.tools()).isEmpty();
    assertThat(s.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\"]}"))
        .contains("\"successful\":false").contains("disabled");
    assertThat(s.authorize("gmail").redirectUrl()).isNotNull();
  }

  @Test
  void allowList_limitsToolkits() {
    Session s = tether.createSession("u", SessionOptions.builder().toolkits("gmail", " GitHub ").build());
    assertThat(s.toolkits().items()).extracting(ToolkitInfo::slug).containsExactly("github", "gmail");
    assertThatThrownBy(() -> s.authorize("slack")).isInstanceOf(ToolkitNotEnabledException.class)
        .hasMessageContaining("'slack' is not enabled")
        .hasMessageContaining("with it in SessionOptions.builder().toolkits(...)");
  }

  @Test
  void denyList_removesToolkits() {
    Session s = tether.createSession("u", SessionOptions.builder().disableToolkits("slack").build());
    assertThat(s.toolkits().items()).extracting(ToolkitInfo::slug).containsExactly("github", "gmail", "hackernews");
    assertThatThrownBy(() -> s.authorize("slack")).isInstanceOf(ToolkitNotEnabledException.class)
        .hasMessageContaining("on the session's deny-list: create the session without it in "
            + "SessionOptions.builder().disableToolkits(...)")
        .hasMessageNotContaining(".toolkits(");
  }

  @Test
  void allowAndDenyList_together_rejected() {
    assertThatIllegalArgumentException().isThrownBy(() ->
        SessionOptions.builder().toolkits("gmail").disableToolkits("slack").build())
        .withMessageContaining("not both");
  }

  @Test
  void pinForAToolkitTheListsLeaveOut_rejected() {
    assertThatIllegalArgumentException().isThrownBy(() ->
        SessionOptions.builder().toolkits("github").pinAccount("gmail", "ca_x").build())
        .withMessage("The session pins an account for 'gmail', which its allow-list leaves out; pin only toolkits "
            + "the session offers, or offer 'gmail'");
    assertThatIllegalArgumentException().isThrownBy(() ->
        SessionOptions.builder().disableToolkits("gmail").pinAccount("gmail", "ca_x").build())
        .withMessageContaining("which its deny-list leaves out");
  }

  @Test
  void unknownToolkitInAllowList_rejectedAtCreation() {
    assertThatIllegalArgumentException().isThrownBy(() ->
        tether.createSession("u", SessionOptions.builder().toolkits("gmial").build()))
        .withMessageContaining("Unknown toolkit 'gmial'").withMessageContaining("gmail");
  }

  @Test
  void pinnedAccount_mustBelongToSameUserAndToolkit() {
    String mine = connect(tether.createSession("alice"), "gmail");
    assertThatIllegalArgumentException().isThrownBy(() ->
        tether.createSession("bob", SessionOptions.builder().pinAccount("gmail", mine).build()))
        .withMessageContaining(mine);
    assertThatIllegalArgumentException().isThrownBy(() ->
        tether.createSession("alice", SessionOptions.builder().pinAccount("github", mine).build()));
    assertThatIllegalArgumentException().isThrownBy(() ->
        tether.createSession("alice", SessionOptions.builder().pinAccount("gmail", "ca_missing").build()))
        .withMessageContaining("does not exist");
  }

  @Test
  void pinnedAccount_isUsed_andBlocksAuthorize() {
    Session first = tether.createSession("alice");
    String older = connect(first, "gmail");
    Session multi = tether.createSession("alice", SessionOptions.builder().multiAccount(3).build());
    String newer = connect(multi, "gmail");
    Session pinned = tether.createSession("alice", SessionOptions.builder().pinAccount("gmail", older).build());

    assertThat(pinned.manageConnections(List.of("gmail"), false).results().get("gmail").connectedAccountId())
        .contains(older);
    assertThat(pinned.toolkits().items().stream().filter(t -> t.slug().equals("gmail")).findFirst().orElseThrow()
        .connection().orElseThrow().connectedAccount().orElseThrow().id()).isEqualTo(older);
    assertThat(newer).isNotEqualTo(older);
    assertThatIllegalStateException().isThrownBy(() -> pinned.authorize("gmail")).withMessageContaining("pins");
  }

  @Test
  void pinnedAccount_active_reinitiateAll_failsSayingWhy_andTouchesNothing() {
    String id = connect(tether.createSession("alice"), "gmail");
    Session pinned = tether.createSession("alice", SessionOptions.builder().pinAccount("gmail", id).build());
    ManageConnectionsResult.ToolkitResult r = pinned.manageConnections(List.of("gmail"), true).results().get("gmail");
    assertThat(r.status()).isEqualTo(ManageConnectionsResult.Status.FAILED);
    assertThat(r.errorMessage()).get().asString()
        .contains("which is ACTIVE; reinitiate_all cannot replace it")
        .contains("Call again without reinitiate_all to use it")
        .doesNotContain("must reconnect");
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).singleElement()
        .satisfies(a -> assertThat(a.status()).isEqualTo(ConnectionStatus.ACTIVE));
  }

  @Test
  void pinnedAccount_deleted_toolkitsShowsNoConnection_asTheMetaToolAnswers() {
    Session first = tether.createSession("alice");
    String pinnedId = connect(first, "gmail");
    Session multi = tether.createSession("alice", SessionOptions.builder().multiAccount(3).build());
    connect(multi, "gmail"); // another ACTIVE account the pinned session must not use
    Session pinned = tether.createSession("alice", SessionOptions.builder().pinAccount("gmail", pinnedId).build());
    assertThat(tether.delete(pinnedId)).isTrue();

    assertThat(pinned.manageConnections(List.of("gmail"), false).results().get("gmail").status())
        .isEqualTo(ManageConnectionsResult.Status.FAILED);
    ToolkitInfo.Connection shown = pinned.toolkits().items().stream().filter(t -> t.slug().equals("gmail"))
        .findFirst().orElseThrow().connection().orElseThrow();
    assertThat(shown.isActive()).isFalse();
    assertThat(shown.connectedAccount()).isEmpty();
  }

  @Test
  void pinnedAccount_notActive_reportedFailed() {
    String id = connect(tether.createSession("alice"), "gmail");
    Session pinned = tether.createSession("alice", SessionOptions.builder().pinAccount("gmail", id).build());
    tether.disable(id);
    ManageConnectionsResult.ToolkitResult r = pinned.manageConnections(List.of("gmail"), false).results().get("gmail");
    assertThat(r.status()).isEqualTo(ManageConnectionsResult.Status.FAILED);
    assertThat(r.errorMessage()).get().asString().contains("INACTIVE");
  }

  @Test
  void singleAccountMode_newConnectionSupersedesOld() {
    Session s = tether.createSession("alice");
    String first = connect(s, "gmail");
    String second = connect(s, "gmail");
    assertThat(tether.account(first).orElseThrow().status()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(tether.account(first).orElseThrow().statusReason()).contains("superseded_by_" + second);
    assertThat(tether.account(second).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void multiAccountMode_accountsCoexist_mostRecentUsed_maxEnforced() {
    Session s = tether.createSession("alice", SessionOptions.builder().multiAccount(2).build());
    String first = connect(s, "gmail");
    clock.advance(Duration.ofSeconds(1));
    String second = connect(s, "gmail");
    assertThat(tether.account(first).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(tether.account(second).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(s.manageConnections(List.of("gmail"), false).results().get("gmail").connectedAccountId())
        .contains(second);
    assertThatThrownBy(() -> s.authorize("gmail")).isInstanceOf(LinkCreationException.class)
        .hasMessageContaining("already has 2");
  }

  @Test
  void multiAccount_outOfRange_rejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> SessionOptions.builder().multiAccount(1));
    assertThatIllegalArgumentException().isThrownBy(() -> SessionOptions.builder().multiAccount(11));
  }

  @Test
  void idleSession_expires_activityKeepsItAlive() {
    Session s = tether.createSession("u");
    clock.advance(Duration.ofHours(23));
    s.toolkits();
    clock.advance(Duration.ofHours(23));
    assertThat(tether.session(s.id())).isPresent();
    clock.advance(Duration.ofHours(24));
    assertThat(tether.session(s.id())).isEmpty();
    assertThatThrownBy(() -> s.authorize("gmail")).isInstanceOf(SessionExpiredException.class)
        .hasMessageContaining(s.id());
  }

  /**
   * Uses between the cache's access reports (one per 1/1000 of the timeout) still count, and a
   * session idles out exactly one timeout after its last use: not a tick earlier, and at once.
   */
  @Test
  void idleExpiry_countsEveryUse_andHappensExactlyAtTheTimeout() {
    Session a = tether.createSession("a");
    Session b = tether.createSession("b");
    int uses = 2161; // 30 hours of use every 50 seconds; the last use falls between two reports
    for (int i = 0; i < uses; i++) {
      clock.advance(Duration.ofSeconds(50));
      tether.cleanUp();
      assertThat(tether.session(a.id())).isPresent();
      assertThat(tether.session(b.id())).isPresent();
    }
    clock.advance(Duration.ofHours(24).minusNanos(1));
    tether.cleanUp();
    assertThat(tether.session(a.id())).as("just before its timeout").isPresent();
    clock.advance(Duration.ofNanos(1));
    assertThat(tether.session(b.id())).as("at its timeout").isEmpty();
  }

  @Test
  void sessionIdleTimeout_isConfigurable() {
    Tether shortLived = TestEngines.builder(provider, clock).sessionIdleTimeout(Duration.ofMinutes(5)).build();
    Session s = shortLived.createSession("u");
    clock.advance(Duration.ofMinutes(5));
    assertThat(shortLived.session(s.id())).isEmpty();
  }

  @Test
  void toolkits_listsSlugNameNoAuthAndConnection() {
    Session s = tether.createSession("alice");
    String gmail = connect(s, "gmail");
    ConnectionRequest pending = s.authorize("github");
    List<ToolkitInfo> items = s.toolkits().items();
    assertThat(items).extracting(ToolkitInfo::slug).containsExactly("github", "gmail", "hackernews", "slack");

    ToolkitInfo gh = items.get(0);
    assertThat(gh.name()).isEqualTo("GitHub");
    assertThat(gh.connection().orElseThrow().isActive()).isFalse();
    assertThat(gh.connection().orElseThrow().connectedAccount()).contains(
        new ToolkitInfo.AccountRef(pending.id(), ConnectionStatus.INITIATED));
    ToolkitInfo gm = items.get(1);
    assertThat(gm.connection().orElseThrow().isActive()).isTrue();
    assertThat(gm.connection().orElseThrow().connectedAccount()).contains(
        new ToolkitInfo.AccountRef(gmail, ConnectionStatus.ACTIVE));
    ToolkitInfo hn = items.get(2);
    assertThat(hn.isNoAuth()).isTrue();
    assertThat(hn.connection()).isEmpty();
    assertThat(items.get(3).connection().orElseThrow().connectedAccount()).as("never connected").isEmpty();
  }

  @Test
  void toolkits_filterConnectedOnlyAndSearch() {
    Session s = tether.createSession("alice");
    connect(s, "gmail");
    assertThat(s.toolkits(ToolkitQuery.builder().connectedOnly(true).build()).items())
        .extracting(ToolkitInfo::slug).containsExactly("gmail");
    assertThat(s.toolkits(ToolkitQuery.builder().search("HACKER").build()).items())
        .extracting(ToolkitInfo::slug).containsExactly("hackernews");
    assertThat(s.toolkits(ToolkitQuery.builder().search("git").build()).items())
        .extracting(ToolkitInfo::slug).containsExactly("github");
  }

  @Test
  void toolkits_paged_everyToolkitExactlyOnce() {
    Session s = tether.createSession("alice");
    ToolkitPage page = s.toolkits(ToolkitQuery.builder().limit(3).build());
    assertThat(page.items()).hasSize(3);
    assertThat(page.nextCursor()).isPresent();
    ToolkitPage rest = s.toolkits(ToolkitQuery.builder().limit(3).cursor(page.nextCursor().get()).build());
    assertThat(rest.nextCursor()).isEmpty();
    List<String> all = new java.util.ArrayList<>();
    all.addAll(page.items().stream().map(ToolkitInfo::slug).collect(Collectors.toList()));
    all.addAll(rest.items().stream().map(ToolkitInfo::slug).collect(Collectors.toList()));
    assertThat(all).containsExactly("github", "gmail", "hackernews", "slack");
    assertThatIllegalArgumentException().isThrownBy(() -> ToolkitQuery.builder().limit(0).build());
  }

  @Test
  void sessionCallbackUrl_isUsedByAuthorize() {
    Session s = tether.createSession("u", SessionOptions.builder()
        .callbackUrl(URI.create("https://host.example/chat")).build());
    ConnectionRequest r = s.authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c")).redirectUrl())
        .contains(URI.create("https://host.example/chat?status=success&connected_account_id=" + r.id()));
  }
}

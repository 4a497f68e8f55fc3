package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.EXPIRED;
import static dev.tether.core.ConnectionStatus.FAILED;
import static dev.tether.core.ConnectionStatus.INACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionRules.LinkDecision;
import dev.tether.core.ConnectionRules.LinkRequest;
import dev.tether.core.store.Slot;
import dev.tether.core.store.StoredAccount;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The slot rules as pure decisions, case by case: what each decision answers, which accounts it
 * changes to what, and which events it announces. No engine, no store, no clock.
 */
class ConnectionRulesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant NOW = T0.plus(Duration.ofMinutes(5));
  private static final Duration TTL = Duration.ofMinutes(10);
  private static final Credentials CREDENTIALS = Credentials.builder(AuthScheme.OAUTH2).accessToken("a").build();

  private static StoredAccount account(String id, ConnectionStatus status, boolean exclusive) {
    StoredAccount.Builder b = StoredAccount.builder(id, "alice", "gmail", status, T0).exclusive(exclusive);
    if (status == INITIATED) {
      b.link("ln_" + id, T0.plus(TTL), "https://auth.example/" + id);
    } else if (status == ACTIVE || status == INACTIVE) {
      b.credentials(CREDENTIALS).connectedAt(T0);
    } else {
      b.statusReason("access_denied");
    }
    return b.build();
  }

  private static StoredAccount account(String id, ConnectionStatus status) {
    return account(id, status, true);
  }

  private static SlotDraft draft(StoredAccount... accounts) {
    return new SlotDraft(new Slot("alice", "gmail", Arrays.asList(accounts), 0), NOW);
  }

  private static LinkRequest link(boolean reuse, int room) {
    return new LinkRequest("ca_new", "ln_new", NOW.plus(TTL), "https://auth.example/new", reuse, room);
  }

  private static Map<String, ConnectionStatus> statuses(SlotDraft d) {
    Map<String, ConnectionStatus> out = new LinkedHashMap<>();
    d.accounts().forEach(a -> out.put(a.id(), a.status()));
    return out;
  }

  private static List<String> events(SlotDraft d) {
    List<String> out = new ArrayList<>();
    for (ConnectionEvent e : d.events()) {
      out.add(e.type() + " " + e.accountId() + " " + e.previousStatus().map(Enum::name).orElse("new") + "→"
          + e.status());
    }
    return out;
  }

  @Test
  void issueLink_emptySlot_issuesOneInitiatedAccount() {
    SlotDraft d = draft();
    LinkDecision decision = ConnectionRules.issueLink(d, link(false, 1), TTL);
    assertThat(decision).isInstanceOfSatisfying(LinkDecision.Issued.class, i -> {
      assertThat(i.account().status()).isEqualTo(INITIATED);
      assertThat(i.account().exclusive()).isTrue();
      assertThat(i.replacedActive()).isFalse();
    });
    assertThat(events(d)).containsExactly("STATUS_CHANGED ca_new new→INITIATED");
  }

  @Test
  void issueLink_supersedesThePendingLink_keepsTheActiveAccount() {
    SlotDraft d = draft(account("ca_on", ACTIVE), account("ca_old", INITIATED));
    LinkDecision decision = ConnectionRules.issueLink(d, link(false, 1), TTL);
    assertThat(decision).isInstanceOfSatisfying(LinkDecision.Issued.class, i -> assertThat(i.replacedActive()).isTrue());
    assertThat(statuses(d)).containsExactly(Map.entry("ca_on", ACTIVE), Map.entry("ca_old", EXPIRED),
        Map.entry("ca_new", INITIATED));
    assertThat(d.find("ca_old").orElseThrow().statusReason()).contains("superseded_by_ca_new");
    assertThat(events(d)).containsExactly("STATUS_CHANGED ca_old INITIATED→EXPIRED",
        "STATUS_CHANGED ca_new new→INITIATED");
  }

  @Test
  void issueLink_reusing_answersWithTheActiveAccountOrThePendingLink_changingNothing() {
    SlotDraft active = draft(account("ca_on", ACTIVE), account("ca_old", INITIATED));
    assertThat(ConnectionRules.issueLink(active, link(true, 1), TTL)).isInstanceOfSatisfying(LinkDecision.Active.class,
        a -> assertThat(a.account().id()).isEqualTo("ca_on"));
    assertThat(active.isEmpty()).isTrue();

    SlotDraft pending = draft(account("ca_old", INITIATED));
    assertThat(ConnectionRules.issueLink(pending, link(true, 1), TTL)).isInstanceOfSatisfying(
        LinkDecision.Pending.class, p -> assertThat(p.account().id()).isEqualTo("ca_old"));
    assertThat(pending.isEmpty()).isTrue();
  }

  @Test
  void issueLink_aDueLinkExpiresFirst_soItIsNotReused() {
    SlotDraft d = new SlotDraft(new Slot("alice", "gmail", List.of(account("ca_old", INITIATED)), 0), T0.plus(TTL));
    LinkDecision decision = ConnectionRules.issueLink(d, link(true, 1), TTL);
    assertThat(decision).isInstanceOf(LinkDecision.Issued.class);
    assertThat(d.find("ca_old").orElseThrow().status()).isEqualTo(EXPIRED);
    assertThat(d.find("ca_old").orElseThrow().statusReason()).contains(AccountStateMachine.LINK_EXPIRED);
  }

  @Test
  void issueLink_multiAccountRoom_countsActiveAndInactive_notPendingOrEnded() {
    SlotDraft full = draft(account("ca_1", ACTIVE, false), account("ca_2", INACTIVE, false));
    assertThat(ConnectionRules.issueLink(full, link(false, 2), TTL)).isEqualTo(new LinkDecision.NoRoom(2, null));
    assertThat(full.isEmpty()).isTrue();

    SlotDraft room = draft(account("ca_1", ACTIVE, false), account("ca_2", FAILED, false));
    assertThat(ConnectionRules.issueLink(room, link(false, 2), TTL)).isInstanceOfSatisfying(LinkDecision.Issued.class,
        i -> assertThat(i.account().exclusive()).isFalse());
  }

  @Test
  void housekeep_forgetsLinksThatEndedWithoutConnecting_oneTtlAfterTheyEnded() {
    StoredAccount failedLongAgo = StoredAccount.builder("ca_f", "alice", "gmail", FAILED, T0.minus(TTL.multipliedBy(3)))
        .statusReason("access_denied").build();
    StoredAccount expiredOnceConnected = StoredAccount.builder("ca_e", "alice", "gmail", EXPIRED,
        T0.minus(TTL.multipliedBy(3))).connectedAt(T0.minus(TTL.multipliedBy(3))).statusReason("invalid_grant").build();
    SlotDraft d = draft(failedLongAgo, expiredOnceConnected);
    ConnectionRules.housekeep(d, TTL);
    assertThat(statuses(d)).containsOnlyKeys("ca_e");
    assertThat(d.changes()).containsEntry("ca_f", null);
    assertThat(d.events()).isEmpty();
  }

  @Test
  void housekeep_aLinkNoticedLongAfterItDied_expiresAsOfItsEnd_andOnlyALaterPassForgetsIt() {
    Instant late = T0.plus(TTL.multipliedBy(3)); // died at T0 + TTL, forgettable from T0 + 2 TTL
    SlotDraft first = new SlotDraft(new Slot("alice", "gmail", List.of(account("ca_p", INITIATED)), 0), late);
    ConnectionRules.housekeep(first, TTL);
    assertThat(statuses(first)).containsExactly(Map.entry("ca_p", EXPIRED));
    assertThat(first.find("ca_p").orElseThrow().updatedAt()).isEqualTo(T0.plus(TTL));
    assertThat(events(first)).containsExactly("STATUS_CHANGED ca_p INITIATED→EXPIRED");

    SlotDraft second = new SlotDraft(new Slot("alice", "gmail", List.of(first.find("ca_p").orElseThrow()), 0), late);
    ConnectionRules.housekeep(second, TTL);
    assertThat(statuses(second)).isEmpty();
    assertThat(second.events()).as("forgetting announces nothing").isEmpty();
  }

  @Test
  void activate_singleAccount_supersedesTheOtherActive() {
    SlotDraft d = draft(account("ca_on", ACTIVE), account("ca_p", INITIATED));
    assertThat(ConnectionRules.activate(d, "ca_p", CREDENTIALS, TTL)).get()
        .extracting(StoredAccount::status).isEqualTo(ACTIVE);
    assertThat(statuses(d)).containsExactly(Map.entry("ca_on", INACTIVE), Map.entry("ca_p", ACTIVE));
    assertThat(events(d)).containsExactly("STATUS_CHANGED ca_p INITIATED→ACTIVE",
        "STATUS_CHANGED ca_on ACTIVE→INACTIVE");
  }

  @Test
  void activate_multiAccount_keepsTheOtherActive() {
    SlotDraft d = draft(account("ca_on", ACTIVE, false), account("ca_p", INITIATED, false));
    ConnectionRules.activate(d, "ca_p", CREDENTIALS, TTL);
    assertThat(statuses(d)).containsExactly(Map.entry("ca_on", ACTIVE), Map.entry("ca_p", ACTIVE));
  }

  @Test
  void activate_anAccountNoLongerPending_orWhoseLinkIsDue_changesNothing() {
    SlotDraft superseded = draft(account("ca_x", EXPIRED));
    assertThat(ConnectionRules.activate(superseded, "ca_x", CREDENTIALS, TTL)).get()
        .extracting(StoredAccount::status).isEqualTo(EXPIRED);
    assertThat(superseded.isEmpty()).isTrue();

    SlotDraft due = new SlotDraft(new Slot("alice", "gmail", List.of(account("ca_p", INITIATED)), 0), T0.plus(TTL));
    assertThat(ConnectionRules.activate(due, "ca_p", CREDENTIALS, TTL)).get()
        .extracting(StoredAccount::status).isEqualTo(EXPIRED);
    assertThat(ConnectionRules.activate(draft(), "ca_gone", CREDENTIALS, TTL)).isEmpty();
  }

  @Test
  void fail_onlyAPendingAccount() {
    SlotDraft d = draft(account("ca_p", INITIATED), account("ca_on", ACTIVE));
    assertThat(ConnectionRules.fail(d, "ca_p", "access_denied", TTL)).get()
        .extracting(StoredAccount::status).isEqualTo(FAILED);
    assertThat(ConnectionRules.fail(d, "ca_on", "access_denied", TTL)).get()
        .extracting(StoredAccount::status).isEqualTo(ACTIVE);
  }

  @Test
  void createActive_singleAccount_supersedes_multiAccount_respectsTheRoom() {
    SlotDraft single = draft(account("ca_on", ACTIVE));
    assertThat(ConnectionRules.createActive(single, "ca_key", 1, CREDENTIALS, TTL).get().status()).isEqualTo(ACTIVE);
    assertThat(statuses(single)).containsExactly(Map.entry("ca_on", INACTIVE), Map.entry("ca_key", ACTIVE));

    SlotDraft full = draft(account("ca_1", ACTIVE, false), account("ca_2", ACTIVE, false));
    assertThat(ConnectionRules.createActive(full, "ca_key", 2, CREDENTIALS, TTL).getLeft())
        .isEqualTo(new LinkDecision.NoRoom(2, null));
    assertThat(full.isEmpty()).isTrue();

    // A pending link would connect one more once it completes: it keeps its place.
    SlotDraft held = draft(account("ca_1", ACTIVE, false), account("ca_p", INITIATED, false));
    assertThat(ConnectionRules.createActive(held, "ca_key", 2, CREDENTIALS, TTL).getLeft())
        .isEqualTo(new LinkDecision.NoRoom(1, "ca_p"));
    assertThat(held.isEmpty()).isTrue();
    SlotDraft roomy = draft(account("ca_1", ACTIVE, false), account("ca_p", INITIATED, false));
    assertThat(ConnectionRules.createActive(roomy, "ca_key", 3, CREDENTIALS, TTL).isRight()).isTrue();
  }

  @Test
  void change_enablingAnExclusiveAccount_disablesTheOther_anIllegalChangeIsRefused() {
    SlotDraft d = draft(account("ca_on", ACTIVE), account("ca_off", INACTIVE));
    assertThat(ConnectionRules.change(d, d.find("ca_off").orElseThrow(), new AccountEvent.Enabled()).isRight()).isTrue();
    assertThat(statuses(d)).containsExactly(Map.entry("ca_on", INACTIVE), Map.entry("ca_off", ACTIVE));

    SlotDraft pending = draft(account("ca_p", INITIATED));
    assertThat(ConnectionRules.change(pending, pending.find("ca_p").orElseThrow(), new AccountEvent.Disabled())
        .getLeft()).contains("INITIATED");
    assertThat(pending.isEmpty()).isTrue();
  }

  @Test
  void delete_removesAndAnnounces() {
    SlotDraft d = draft(account("ca_on", ACTIVE));
    assertThat(ConnectionRules.delete(d, "ca_on")).isTrue();
    assertThat(d.accounts()).isEmpty();
    assertThat(events(d)).containsExactly("DELETED ca_on ACTIVE→ACTIVE");
    assertThat(ConnectionRules.delete(draft(), "ca_none")).isFalse();
  }

  @Test
  void refresh_successKeepsTheStatus_aDeadTokenIsAnnouncedThenExpires() {
    Credentials fresh = Credentials.builder(AuthScheme.OAUTH2).accessToken("b").build();
    SlotDraft ok = draft(account("ca_on", ACTIVE));
    assertThat(ConnectionRules.refreshed(ok, "ca_on", fresh).orElseThrow().credentials()).contains(fresh);
    assertThat(events(ok)).containsExactly("TOKEN_REFRESHED ca_on ACTIVE→ACTIVE");

    SlotDraft dead = draft(account("ca_on", ACTIVE));
    assertThat(ConnectionRules.tokenDied(dead, "ca_on", "invalid_grant").orElseThrow().status()).isEqualTo(EXPIRED);
    assertThat(events(dead)).containsExactly("REFRESH_FAILED ca_on ACTIVE→ACTIVE", "STATUS_CHANGED ca_on ACTIVE→EXPIRED");
  }

  @Test
  void queries_latestActive_isTheMostRecentlyConnected() {
    StoredAccount older = StoredAccount.builder("ca_a", "alice", "gmail", ACTIVE, T0).connectedAt(T0).exclusive(false)
        .credentials(CREDENTIALS).build();
    StoredAccount newer = StoredAccount.builder("ca_b", "alice", "gmail", ACTIVE, T0).connectedAt(T0.plusSeconds(1))
        .exclusive(false).credentials(CREDENTIALS).build();
    assertThat(ConnectionRules.latestActive(List.of(newer, older))).contains(newer);
    assertThat(ConnectionRules.latestActive(List.of(older, newer))).contains(newer);
    assertThat(ConnectionRules.pending(List.of(older))).isEmpty();
  }
}

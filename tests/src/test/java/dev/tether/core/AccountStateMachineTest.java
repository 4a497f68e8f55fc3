package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.EXPIRED;
import static dev.tether.core.ConnectionStatus.FAILED;
import static dev.tether.core.ConnectionStatus.INACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.store.StoredAccount;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import io.vavr.control.Either;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every (status × event) pair of the lifecycle, allowed and forbidden (BEHAVIOUR.md §2). */
class AccountStateMachineTest {
  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-01-01T00:05:00Z");
  private static final Instant LINK_ENDS = CREATED.plusSeconds(600);
  private static final Credentials CREDENTIALS = Credentials.builder(AuthScheme.OAUTH2).accessToken("tok").build();
  private static final Credentials REFRESHED = Credentials.builder(AuthScheme.OAUTH2).accessToken("tok2").build();

  private static final Map<String, AccountEvent> EVENTS = Map.of(
      "Activated", new AccountEvent.Activated(CREDENTIALS),
      "Failed", new AccountEvent.Failed("access_denied"),
      "LinkExpired", new AccountEvent.LinkExpired(),
      "Superseded", new AccountEvent.Superseded("ca_newer"),
      "TokenExpired", new AccountEvent.TokenExpired("invalid_grant"),
      "Disabled", new AccountEvent.Disabled(),
      "Enabled", new AccountEvent.Enabled(),
      "Refreshed", new AccountEvent.Refreshed(REFRESHED));

  /** The contract's table, written out by hand: null means the pair is forbidden. */
  private static final Object[][] TABLE = {
      // from,     Activated, Failed, LinkExpired, Superseded, TokenExpired, Disabled, Enabled, Refreshed
      {INITIATED, ACTIVE, FAILED, EXPIRED, EXPIRED, null, null, null, null},
      {ACTIVE, null, null, null, INACTIVE, EXPIRED, INACTIVE, null, ACTIVE},
      {FAILED, null, null, null, null, null, null, null, null},
      {EXPIRED, null, null, null, null, null, null, null, null},
      {INACTIVE, null, null, null, null, null, null, ACTIVE, INACTIVE},
  };
  private static final String[] COLUMNS =
      {"Activated", "Failed", "LinkExpired", "Superseded", "TokenExpired", "Disabled", "Enabled", "Refreshed"};

  static Stream<Arguments> everyPair() {
    List<Arguments> out = new ArrayList<>();
    for (Object[] row : TABLE) {
      for (int c = 0; c < COLUMNS.length; c++) {
        out.add(Arguments.of(row[0], COLUMNS[c], row[c + 1]));
      }
    }
    return out.stream();
  }

  private static StoredAccount record(ConnectionStatus status) {
    boolean pending = status == INITIATED;
    boolean credentialed = status == ACTIVE || status == INACTIVE;
    StoredAccount.Builder b = StoredAccount.builder("ca_test", "user_1", "gmail", status, CREATED)
        .statusReason(status == INACTIVE ? "disabled" : null)
        .connectedAt(credentialed ? CREATED : null)
        .credentials(credentialed ? CREDENTIALS : null);
    if (pending) {
      b.link("ln_test", LINK_ENDS, "https://auth.example/x");
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @MethodSource("everyPair")
  void apply_everyStatusAndEvent_followsContractTable(ConnectionStatus from, String eventName, ConnectionStatus expected) {
    StoredAccount before = record(from);
    Either<String, AccountStateMachine.Transition> result =
        AccountStateMachine.apply(before, EVENTS.get(eventName), NOW);

    if (expected == null) {
      assertThat(result.isLeft()).as("%s + %s must be rejected", from, eventName).isTrue();
      assertThat(result.getLeft()).contains("ca_test").contains(from.name());
      return;
    }
    assertThat(result.isRight()).as("%s + %s must be allowed", from, eventName).isTrue();
    StoredAccount after = result.get().next();
    assertThat(after.status()).isEqualTo(expected);
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.createdAt()).isEqualTo(CREATED);
    assertThat(after.updatedAt()).as("updated when it changed; a link's expiry as of the link's end")
        .isEqualTo(eventName.equals("LinkExpired") ? LINK_ENDS : NOW);
    if (from == expected) {
      assertThat(result.get().change()).as("no status change is announced").isEmpty();
    } else {
      assertThat(result.get().change()).get().satisfies(c -> {
        assertThat(c.from()).contains(from);
        assertThat(c.account()).isEqualTo(after);
      });
    }
  }

  @Test
  void activated_setsCredentialsAndClearsLink() {
    StoredAccount after = AccountStateMachine.apply(record(INITIATED), EVENTS.get("Activated"), NOW).get().next();
    assertThat(after.credentials()).contains(CREDENTIALS);
    assertThat(after.connectedAt()).contains(NOW);
    assertThat(after.link()).isEmpty();
    assertThat(after.redirectUrl()).isNull();
    assertThat(after.statusReason()).isEmpty();
  }

  @Test
  void terminalTransitions_dropCredentials_andRecordReason() {
    StoredAccount expired = AccountStateMachine.apply(record(ACTIVE), EVENTS.get("TokenExpired"), NOW).get().next();
    assertThat(expired.credentials()).isEmpty();
    assertThat(expired.statusReason()).contains("invalid_grant");

    StoredAccount failed = AccountStateMachine.apply(record(INITIATED), EVENTS.get("Failed"), NOW).get().next();
    assertThat(failed.statusReason()).contains("access_denied");

    StoredAccount linkExpired = AccountStateMachine.apply(record(INITIATED), EVENTS.get("LinkExpired"), NOW).get().next();
    assertThat(linkExpired.statusReason()).contains(AccountStateMachine.LINK_EXPIRED);
    assertThat(linkExpired.redirectUrl()).isNull();
  }

  @Test
  void linkExpired_isTheExpiredFormBuiltWithTheAccount_soExpiryAllocatesNoRecord() {
    StoredAccount pending = record(INITIATED);
    StoredAccount later = AccountStateMachine.apply(pending, EVENTS.get("LinkExpired"), NOW.plusSeconds(3600)).get().next();
    assertThat(later).isSameAs(pending.withLinkExpired());
    assertThat(later.updatedAt()).as("as of the link's end, however late it is noticed").isEqualTo(LINK_ENDS);
  }

  @Test
  void disableThenEnable_keepsCredentials() {
    StoredAccount disabled = AccountStateMachine.apply(record(ACTIVE), EVENTS.get("Disabled"), NOW).get().next();
    assertThat(disabled.credentials()).contains(CREDENTIALS);
    assertThat(disabled.statusReason()).contains("disabled");
    StoredAccount enabled = AccountStateMachine.apply(disabled, EVENTS.get("Enabled"), NOW).get().next();
    assertThat(enabled.status()).isEqualTo(ACTIVE);
    assertThat(enabled.credentials()).contains(CREDENTIALS);
    assertThat(enabled.statusReason()).isEmpty();
  }

  @Test
  void superseded_reasonNamesTheNewerAccount() {
    assertThat(AccountStateMachine.apply(record(ACTIVE), EVENTS.get("Superseded"), NOW).get().next().statusReason())
        .contains("superseded_by_ca_newer");
    assertThat(AccountStateMachine.apply(record(INITIATED), EVENTS.get("Superseded"), NOW).get().next().status())
        .isEqualTo(EXPIRED);
  }

  @Test
  void refreshed_replacesCredentialsWithoutStatusChange() {
    AccountStateMachine.Transition t = AccountStateMachine.apply(record(ACTIVE), EVENTS.get("Refreshed"), NOW).get();
    assertThat(t.next().credentials()).contains(REFRESHED);
    assertThat(t.change()).isEmpty();
  }

  @Test
  void initiate_announcesNewAccountWithoutPreviousStatus() {
    AccountStateMachine.Transition t = AccountStateMachine.initiate("ca_1", "u", "gmail", true, "ln_1",
        NOW.plusSeconds(600), "https://auth.example", NOW);
    assertThat(t.next().status()).isEqualTo(INITIATED);
    assertThat(t.change()).get().extracting(AccountStateMachine.StatusChange::from).isEqualTo(Optional.empty());
    assertThat(t.next().linkExpiredAt(NOW.plusSeconds(599))).isFalse();
    assertThat(t.next().linkExpiredAt(NOW.plusSeconds(600))).isTrue();
  }

  @Test
  void toString_neverShowsCredentialsOrLink() {
    StoredAccount r = AccountStateMachine.apply(record(INITIATED), new AccountEvent.Activated(
        Credentials.builder(AuthScheme.OAUTH2).accessToken("SECRET-TOKEN").refreshToken("SECRET-REFRESH").build()), NOW)
        .get().next();
    assertThat(r.toString()).doesNotContain("SECRET");
    assertThat(record(INITIATED).toString()).doesNotContain("auth.example");
  }
}

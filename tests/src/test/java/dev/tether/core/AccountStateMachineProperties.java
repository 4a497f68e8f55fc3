package dev.tether.core;

import dev.tether.core.store.StoredAccount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever events arrive, in whatever order, the lifecycle never breaks its rules. */
class AccountStateMachineProperties {
  private static final Credentials CREDENTIALS = Credentials.builder(AuthScheme.OAUTH2).accessToken("t").build();
  private static final Instant LINK_ENDS = Instant.parse("2026-01-01T00:10:00Z");

  @Provide
  Arbitrary<List<AccountEvent>> events() {
    return Arbitraries.<AccountEvent>of(
        new AccountEvent.Activated(CREDENTIALS), new AccountEvent.Failed("x"), new AccountEvent.LinkExpired(),
        new AccountEvent.Superseded("ca_other"), new AccountEvent.TokenExpired("invalid_grant"),
        new AccountEvent.Disabled(), new AccountEvent.Enabled(), new AccountEvent.Refreshed(CREDENTIALS))
        .list().ofMaxSize(30);
  }

  @Property
  void noEventSequence_reachesAForbiddenTransition(@ForAll("events") List<AccountEvent> events) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    StoredAccount r = AccountStateMachine.initiate("ca_1", "u", "gmail", true, "ln_1", LINK_ENDS,
        "https://auth.example", t).next();
    boolean wasActive = false;
    for (AccountEvent e : events) {
      t = t.plusSeconds(1);
      ConnectionStatus before = r.status();
      var result = AccountStateMachine.apply(r, e, t);
      if (result.isLeft()) {
        continue;
      }
      r = result.get().next();
      assertThat(before.isTerminal()).as("FAILED and EXPIRED are terminal").isFalse();
      if (wasActive) {
        assertThat(r.status()).as("never back to INITIATED").isNotEqualTo(ConnectionStatus.INITIATED);
      }
      wasActive |= r.status() == ConnectionStatus.ACTIVE;
      boolean hasCredentials = r.credentials().isPresent();
      assertThat(hasCredentials).as("credentials only while ACTIVE or INACTIVE")
          .isEqualTo(r.status() == ConnectionStatus.ACTIVE || r.status() == ConnectionStatus.INACTIVE);
      boolean linkEnded = e instanceof AccountEvent.LinkExpired;
      assertThat(r.updatedAt()).as("updated when it changed; a link's expiry as of the link's end")
          .isEqualTo(linkEnded ? LINK_ENDS : t);
    }
  }
}

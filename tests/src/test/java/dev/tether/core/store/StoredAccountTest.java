package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectionStatus;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a pending account becomes when its link dies, built with the account. */
class StoredAccountTest {
  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LINK_ENDS = CREATED.plusSeconds(600);

  private static StoredAccount pending() {
    return StoredAccount.builder("ca_1", "user_1", "gmail", ConnectionStatus.INITIATED, CREATED).exclusive(false)
        .updatedAt(CREATED.plusSeconds(5)).link("ln_1", LINK_ENDS, "https://auth.example/x?state=s3cr3t").build();
  }

  @Test
  void withLinkExpired_isExpiredAsOfTheLinksEnd_keepingEverythingElse() {
    StoredAccount pending = pending();
    StoredAccount expired = pending.withLinkExpired();

    assertThat(expired.status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(expired.statusReason()).contains(StoredAccount.LINK_EXPIRED);
    assertThat(expired.updatedAt()).isEqualTo(LINK_ENDS);
    assertThat(expired.link()).isEmpty();
    assertThat(expired.redirectUrl()).isNull();
    assertThat(expired.credentials()).isEmpty();
    assertThat(expired.id()).isEqualTo("ca_1");
    assertThat(expired.userId()).isEqualTo("user_1");
    assertThat(expired.toolkit()).isEqualTo("gmail");
    assertThat(expired.exclusive()).isFalse();
    assertThat(expired.createdAt()).isEqualTo(CREATED);
    assertThat(expired.connectedAt()).isEmpty();
    assertThat(expired.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void withLinkExpired_isTheSameInstanceEveryCall_builtWithTheAccount() {
    StoredAccount pending = pending();
    assertThat(pending.withLinkExpired()).isSameAs(pending.withLinkExpired());
  }

  @Test
  void aChangedCopyOfAPendingAccount_expiresAsTheCopy_notAsTheOriginal() {
    StoredAccount original = pending();
    StoredAccount copy = original.toBuilder().exclusive(true).build();

    assertThat(copy.withLinkExpired()).isNotSameAs(original.withLinkExpired());
    assertThat(copy.withLinkExpired().exclusive()).isTrue();
    assertThat(original.withLinkExpired().exclusive()).isFalse();
  }

  @Test
  void withLinkExpired_onAnAccountWithoutAPendingLink_failsNamingIt() {
    StoredAccount active = StoredAccount.builder("ca_2", "user_1", "gmail", ConnectionStatus.ACTIVE, CREATED)
        .credentials(Credentials.builder(AuthScheme.OAUTH2).accessToken("k3y").build()).build();

    assertThatThrownBy(active::withLinkExpired).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ca_2").hasMessageContaining("ACTIVE").hasMessageContaining("pending link")
        .hasMessageNotContaining("k3y");
  }
}

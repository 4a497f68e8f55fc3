package dev.tether.store.postgres;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Values for store tests, and fingerprints that show every field (secrets included) to compare them. */
final class StoreValues {
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

  private StoreValues() {}

  static Credentials oauth(String access, String refresh, Instant expiresAt) {
    return Credentials.builder(AuthScheme.OAUTH2).accessToken(access).refreshToken(refresh).expiresAt(expiresAt)
        .scopes(List.of("openid", "mail.read")).attribute("token_type", "Bearer").secret("id_token", "idt-" + access)
        .build();
  }

  static StoredAccount active(String id, String user, String toolkit, Instant at, Credentials c) {
    return StoredAccount.builder(id, user, toolkit, ConnectionStatus.ACTIVE, at).updatedAt(at.plusNanos(7))
        .connectedAt(at.plusNanos(7)).credentials(c).build();
  }

  static StoredAccount pending(String id, String user, String toolkit, Instant at, Instant linkExpiresAt) {
    return StoredAccount.builder(id, user, toolkit, ConnectionStatus.INITIATED, at)
        .link("ln_" + id, linkExpiresAt, "https://accounts.example.com/auth?state=STATE-OF-" + id).build();
  }

  static StoredFlow flow(String key, StoredAccount account, boolean withLink) {
    return new StoredFlow(key, account.id(), account.userId(), account.toolkit(), Secret.of("state-" + key + "-secret"),
        Secret.of("verifier-" + key + "-0123456789-0123456789-0123456789"),
        URI.create("https://app.example.com/oauth/callback"), Optional.of(URI.create("https://app.example.com/done?x=1")),
        withLink ? Optional.of(AuthorizationLink.of("https://accounts.example.com/auth?state=state-" + key,
            Map.of("oauth_token_secret", "ots-" + key))) : Optional.empty(),
        withLink ? List.of() : List.of(ConnectionField.plain("subdomain", "Subdomain")), T0.plusSeconds(600), true);
  }

  static ConnectionEvent created(StoredAccount a) {
    return new ConnectionEvent(ConnectionEvent.Type.STATUS_CHANGED, a.view(), Optional.empty(), Optional.empty(),
        a.updatedAt());
  }

  static SlotCommit put(Slot read, StoredAccount... accounts) {
    return new SlotCommit(read, List.of(accounts), List.of(), List.of(),
        List.of(accounts).stream().map(StoreValues::created).collect(Collectors.toList()));
  }

  static CallbackResult success(String accountId) {
    return new CallbackResult(true, Optional.of(accountId), Optional.of(ConnectionStatus.ACTIVE),
        Optional.of(URI.create("https://app.example.com/done?x=1&status=success&connected_account_id=" + accountId)),
        Optional.empty());
  }

  static String fingerprint(StoredAccount a) {
    return a.id() + "|" + a.userId() + "|" + a.toolkit() + "|" + a.status() + "|" + a.exclusive() + "|" + a.createdAt()
        + "|" + a.updatedAt() + "|" + a.connectedAt() + "|" + a.statusReason() + "|"
        + a.link().map(l -> l.id() + "," + l.expiresAt() + "," + l.redirectUrl()).orElse("-") + "|"
        + a.credentials().map(StoreValues::fingerprint).orElse("-");
  }

  static String fingerprint(Credentials c) {
    return c.scheme() + "," + c.accessToken().map(Secret::reveal) + "," + c.refreshToken().map(Secret::reveal) + ","
        + c.expiresAt() + "," + c.scopes() + "," + c.attributes() + ","
        + c.secrets().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().reveal()).sorted()
            .collect(Collectors.toList());
  }

  static String fingerprint(StoredFlow f) {
    return f.key() + "|" + f.accountId() + "|" + f.userId() + "|" + f.toolkit() + "|" + f.state().reveal() + "|"
        + f.verifier().reveal() + "|" + f.redirectUri() + "|" + f.callbackUrl() + "|"
        + f.link().map(l -> l.urlString() + "," + l.flowState()).orElse("-") + "|" + f.form() + "|" + f.expiresAt()
        + "|" + f.exclusive();
  }

  static List<String> fingerprints(List<StoredAccount> accounts) {
    return accounts.stream().map(StoreValues::fingerprint).collect(Collectors.toList());
  }
}

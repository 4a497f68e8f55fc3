package dev.tether.core.store;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One issued link waiting for its callback: what the exchange needs (the state, the PKCE verifier,
 * the redirect URI, the provider's flow state) and where the user lands afterwards. Stored under
 * {@link #key()}, the state's public half. Who completes it, and with what outcome, is the
 * store's business ({@link ConnectionStore#claimFlow}). Immutable; {@link #toString()} shows no
 * secret.
 *
 * @param key the state's selector: the key the flow is stored under, and its connect-link id
 *     without {@code ln_}
 * @param accountId the INITIATED account the flow completes
 * @param userId the account's user
 * @param toolkit the account's toolkit
 * @param state the whole state, to check a presented one in constant time (a secret)
 * @param verifier the PKCE verifier (a secret)
 * @param redirectUri the redirect URI the link was built with; the exchange must use the same
 * @param callbackUrl where the user lands afterwards, if anywhere
 * @param link the provider's link; empty while the connect-link form has not been submitted (its
 *     flow state may hold secrets)
 * @param form what the connect-link form collects first; empty for a plain OAuth link
 * @param expiresAt when the link dies
 * @param exclusive created in single-account mode: activating the account supersedes the user's
 *     other ACTIVE account for the toolkit
 */
public record StoredFlow(String key, String accountId, String userId, String toolkit, Secret state, Secret verifier,
    URI redirectUri, Optional<URI> callbackUrl, Optional<AuthorizationLink> link, List<ConnectionField> form,
    Instant expiresAt, boolean exclusive) {
  /**
   * Checks that nothing is null, and copies.
   *
   * @param accountId the INITIATED account the flow completes
   * @param callbackUrl where the user lands afterwards, if anywhere
   * @param exclusive created in single-account mode: activating the account supersedes the user's other ACTIVE account for the toolkit
   * @param expiresAt when the link dies
   * @param form what the connect-link form collects first; empty for a plain OAuth link
   * @param key the state's selector: the key the flow is stored under, and its connect-link id without {@code ln_}
   * @param link the provider's link; empty while the connect-link form has not been submitted (its flow state may hold secrets)
   * @param redirectUri the redirect URI the link was built with; the exchange must use the same
   * @param state the whole state, to check a presented one in constant time (a secret)
   * @param toolkit the account's toolkit
   * @param userId the account's user
   * @param verifier the PKCE verifier (a secret)
   */
  public StoredFlow {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(toolkit, "toolkit");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(redirectUri, "redirectUri");
    Objects.requireNonNull(callbackUrl, "callbackUrl");
    Objects.requireNonNull(link, "link");
    form = List.copyOf(form);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * The same flow with the provider's link, once its form was submitted.
   *
   * @param built the link built from the form's values
   * @return a copy with {@code built} as its link
   */
  public StoredFlow withLink(AuthorizationLink built) {
    return new StoredFlow(key, accountId, userId, toolkit, state, verifier, redirectUri, callbackUrl,
        Optional.of(built), form, expiresAt, exclusive);
  }

  /** Never shows the state, the verifier or the link. */
  @Override
  public String toString() {
    return "StoredFlow[" + accountId + ", toolkit=" + toolkit + ", expiresAt=" + expiresAt + "]";
  }
}

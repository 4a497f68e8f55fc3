package dev.tether.core;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Tether#handleCallback}: what the host's callback endpoint does next.
 *
 * <p>When {@link #redirectUrl()} is present, send the browser there (HTTP 303); otherwise show the
 * host's own page ({@code successful} says which). The redirect never carries a token, code or
 * state.
 *
 * @param successful whether the account is now ACTIVE
 * @param connectedAccountId the account the callback was for, when the state was recognised
 * @param status the account's status after the callback, when the state was recognised
 * @param redirectUrl the callback URL with {@code status} and {@code connected_account_id} appended
 * @param error a short, non-secret reason when not successful (e.g. {@code unknown_state})
 */
public record CallbackResult(
    boolean successful,
    Optional<String> connectedAccountId,
    Optional<ConnectionStatus> status,
    Optional<URI> redirectUrl,
    Optional<String> error) {
  /**
   * Checks that no component is null.
   *
   * @param successful whether the account is now ACTIVE
   * @param connectedAccountId the account, or empty when the state was not recognised
   * @param status the account's status afterwards, or empty when the state was not recognised
   * @param redirectUrl where to send the browser, or empty to show the host's own page
   * @param error the reason when not successful, else empty
   */
  public CallbackResult {
    Objects.requireNonNull(connectedAccountId, "connectedAccountId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(redirectUrl, "redirectUrl");
    Objects.requireNonNull(error, "error");
  }

  static CallbackResult rejected(String error) {
    return new CallbackResult(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(error));
  }
}

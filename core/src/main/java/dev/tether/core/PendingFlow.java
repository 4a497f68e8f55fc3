package dev.tether.core;

import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One issued link waiting for its callback: what the exchange needs (verifier, redirect URI,
 * provider flow state) and the single outcome every callback with this state gets. Thread-safe:
 * immutable but for the claimed outcome, which is set once by compare-and-set.
 */
final class PendingFlow {
  private final String stateKey;
  private final String linkId;
  private final String accountId;
  private final String userId;
  private final String toolkit;
  private final Secret verifier;
  private final URI redirectUri;
  private final URI callbackUrl;
  private final URI authorizationUrl;
  private final Map<String, String> flowState;
  private final Instant expiresAt;
  private final boolean exclusive;
  private final AtomicReference<CompletableFuture<CallbackResult>> outcome = new AtomicReference<>();

  PendingFlow(String stateKey, String linkId, String accountId, String userId, String toolkit,
      Secret verifier, URI redirectUri, URI callbackUrl, URI authorizationUrl,
      Map<String, String> flowState, Instant expiresAt, boolean exclusive) {
    this.stateKey = stateKey;
    this.linkId = linkId;
    this.accountId = accountId;
    this.userId = userId;
    this.toolkit = toolkit;
    this.verifier = verifier;
    this.redirectUri = redirectUri;
    this.callbackUrl = callbackUrl;
    this.authorizationUrl = authorizationUrl;
    this.flowState = Map.copyOf(flowState);
    this.expiresAt = expiresAt;
    this.exclusive = exclusive;
  }

  /**
   * Claims the right to complete this flow.
   *
   * @return null when {@code mine} won; otherwise the outcome of the callback that did
   */
  CompletableFuture<CallbackResult> claim(CompletableFuture<CallbackResult> mine) {
    return outcome.compareAndExchange(null, mine);
  }

  /** Gives the flow back after a transient failure, so the user's retry can exchange again. */
  void release(CompletableFuture<CallbackResult> mine) {
    outcome.compareAndSet(mine, null);
  }

  String stateKey() {
    return stateKey;
  }

  String linkId() {
    return linkId;
  }

  String accountId() {
    return accountId;
  }

  String userId() {
    return userId;
  }

  String toolkit() {
    return toolkit;
  }

  Secret verifier() {
    return verifier;
  }

  URI redirectUri() {
    return redirectUri;
  }

  /** May be null: no callback URL means the host shows its own page. */
  URI callbackUrl() {
    return callbackUrl;
  }

  URI authorizationUrl() {
    return authorizationUrl;
  }

  Map<String, String> flowState() {
    return flowState;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  boolean exclusive() {
    return exclusive;
  }

  @Override
  public String toString() {
    return "PendingFlow[" + accountId + ", toolkit=" + toolkit + ", expiresAt=" + expiresAt + "]";
  }
}

package dev.tether.core;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One issued link waiting for its callback: what the exchange needs (verifier, redirect URI,
 * provider flow state) and the single outcome every callback with this state gets. Thread-safe:
 * immutable but for the claimed outcome, which is set once by compare-and-set.
 */
final class PendingFlow {
  private final String key;
  private final String accountId;
  private final String userId;
  private final String toolkit;
  private final Secret state;
  private final Secret verifier;
  private final URI redirectUri;
  private final URI callbackUrl;
  private final List<ConnectionField> form;
  private final AtomicReference<AuthorizationLink> link;
  private final Instant expiresAt;
  private final boolean exclusive;
  private final AtomicReference<CompletableFuture<CallbackResult>> outcome = new AtomicReference<>();

  PendingFlow(String key, String accountId, String userId, String toolkit,
      Secret state, Secret verifier, URI redirectUri, URI callbackUrl, AuthorizationLink link, List<ConnectionField> form,
      Instant expiresAt, boolean exclusive) {
    this.key = key;
    this.accountId = accountId;
    this.userId = userId;
    this.toolkit = toolkit;
    this.state = state;
    this.verifier = verifier;
    this.redirectUri = redirectUri;
    this.callbackUrl = callbackUrl;
    this.link = new AtomicReference<>(link);
    this.form = List.copyOf(form);
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

  /** The outcome of the callback or form submission that claimed the flow, if one did. */
  CompletableFuture<CallbackResult> claimed() {
    return outcome.get();
  }

  /** Gives the flow back after a transient failure, so the user's retry can exchange again. */
  void release(CompletableFuture<CallbackResult> mine) {
    outcome.compareAndSet(mine, null);
  }

  /** The state's selector: the key the flow is stored under, and its link id without {@code ln_}. */
  String key() {
    return key;
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

  /** The whole state, to check a presented one in constant time and to build links after a form. */
  Secret state() {
    return state;
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

  /** The provider's link; empty while the connect-link form has not been submitted. */
  Optional<AuthorizationLink> link() {
    return Optional.ofNullable(link.get());
  }

  /** Sets the provider's link once; returns the link in force (an earlier one wins). */
  AuthorizationLink linkOnce(AuthorizationLink built) {
    AuthorizationLink previous = link.compareAndExchange(null, built);
    return previous == null ? built : previous;
  }

  /** What the connect-link form collects before the flow can go on; empty for plain OAuth. */
  List<ConnectionField> form() {
    return form;
  }

  Map<String, String> flowState() {
    AuthorizationLink current = link.get();
    return current == null ? Map.of() : current.flowState();
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

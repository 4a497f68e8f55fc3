package dev.tether.core;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A started connection: the new INITIATED account's id and the URL to send the user to.
 *
 * <p>{@link #waitForConnection} blocks until the callback completes it (no polling: the engine
 * completes a future when the account's status changes). Thread-safe.
 */
public final class ConnectionRequest {
  /** How long {@link #waitForConnection()} waits. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Engine engine;
  private final String id;
  private final String toolkit;
  private final String redirectUrl;
  private volatile URI parsed;
  private final Instant linkExpiresAt;

  ConnectionRequest(Engine engine, String id, String toolkit, String redirectUrl, Instant linkExpiresAt) {
    this.engine = engine;
    this.id = id;
    this.toolkit = toolkit;
    this.redirectUrl = redirectUrl;
    this.linkExpiresAt = linkExpiresAt;
  }

  /**
   * The new account's id, {@code ca_…}.
   *
   * @return the id to pass to {@link Tether#account(String)} and {@link Tether#credentials(String)}
   */
  public String id() {
    return id;
  }

  /**
   * The toolkit being connected.
   *
   * @return the normalised toolkit slug
   */
  public String toolkit() {
    return toolkit;
  }

  /**
   * Always {@link ConnectionStatus#INITIATED}: the status the request was created in.
   *
   * @return {@link ConnectionStatus#INITIATED}; ask {@link Tether#account(String)} for the status
   *     now
   */
  public ConnectionStatus status() {
    return ConnectionStatus.INITIATED;
  }

  /**
   * Where to send the user: the connect link, or the provider's authorization URL.
   *
   * @return the URL, parsed on first use; a direct authorization URL carries the state, so never
   *     log it
   */
  public URI redirectUrl() {
    URI u = parsed;
    if (u == null) {
      u = URI.create(redirectUrl);
      parsed = u;
    }
    return u;
  }

  /**
   * {@link #redirectUrl()} as text, e.g. for an HTTP {@code Location} header: the same characters
   * as {@code redirectUrl().toString()}, without parsing a {@code URI} (which costs more than the
   * rest of creating the link).
   *
   * @return the URL's text; never log it
   */
  public String redirectUrlString() {
    return redirectUrl;
  }

  /**
   * When the link stops working.
   *
   * @return the engine clock's time of creation plus the link TTL
   */
  public Instant linkExpiresAt() {
    return linkExpiresAt;
  }

  /**
   * {@link #waitForConnection(Duration)} with {@link #DEFAULT_TIMEOUT}.
   *
   * @return the ACTIVE account
   * @throws ConnectionRequestFailedException if it FAILED or EXPIRED (or was deleted)
   * @throws ConnectionRequestTimeoutException if the default timeout passed first
   */
  public ConnectedAccount waitForConnection() {
    return waitForConnection(DEFAULT_TIMEOUT);
  }

  /**
   * Blocks until the account is ACTIVE and returns it. A zero (or negative) {@code timeout} does
   * not block: it returns or throws according to the account's status right now.
   *
   * @param timeout the longest time to wait, in real (not engine-clock) time; not null
   * @return the ACTIVE account
   * @throws ConnectionRequestFailedException if it FAILED or EXPIRED (or was deleted)
   * @throws ConnectionRequestTimeoutException if {@code timeout} passed first
   * @throws TetherException if the waiting thread was interrupted (its flag is set again)
   */
  public ConnectedAccount waitForConnection(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<ConnectedAccount> future = engine.completion(id);
    // Compared by difference, as nanoTime must be, so even Long.MAX_VALUE wraps correctly.
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    try {
      while (true) {
        long remaining = deadline - System.nanoTime();
        // Wake when the link is due by the engine clock too, so expiry is seen without a scheduler.
        long untilExpiry = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
            Duration.between(engine.now(), linkExpiresAt).toNanos());
        try {
          return future.get(Math.max(0, Math.min(remaining, untilExpiry)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          engine.expireIfDue(id);
          if (future.isDone()) {
            continue;
          }
          if (deadline - System.nanoTime() <= 0) {
            throw new ConnectionRequestTimeoutException(id, timeout);
          }
        }
      }
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TetherException("Interrupted while waiting for connection request " + id, e);
    }
  }

  /**
   * A future that completes with the ACTIVE account, or fails with
   * {@link ConnectionRequestFailedException}. Cancelling it does not affect the request.
   *
   * @return a new future on each call; it has no timeout of its own
   */
  public CompletableFuture<ConnectedAccount> future() {
    return engine.completion(id).copy();
  }

  /** {@code toNanos()}, which throws beyond 292 years ({@code ChronoUnit.FOREVER}), saturated instead. */
  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return timeout.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  private RuntimeException rethrown(Throwable cause) {
    if (cause instanceof ConnectionRequestFailedException) {
      ConnectionRequestFailedException f = (ConnectionRequestFailedException) cause;
      return new ConnectionRequestFailedException(id, f.status().orElse(null), f.reason().orElse(null));
    }
    return new TetherException("Connection request " + id + " failed unexpectedly", cause);
  }

  /** Shows the link's host only: a direct authorization URL carries the state. */
  @Override
  public String toString() {
    return "ConnectionRequest[" + id + ", toolkit=" + toolkit + ", redirectTo=" + redirectUrl().getHost() + "]";
  }
}

package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Completes flows (BEHAVIOUR.md §6): checks the state, claims the flow exactly once across every
 * engine sharing the store, lets the provider exchange the grant (outside any lock or commit),
 * commits the outcome, and records it so a replayed state gets the same answer. A callback that
 * finds another one's claim in progress waits for it on the change feed. Thread-safe.
 */
final class CallbackCompleter {
  /** How long a claim holds when its holder vanishes (a node killed mid-exchange). */
  static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
  /** How long a second callback waits, in real time, for the first one's outcome. */
  static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(60);

  private final EngineConfig config;
  private final ProviderRegistry registry;
  private final ConnectionStore store;
  private final SlotTransaction tx;
  private final ConnectionWaiters waiters;
  private final Ids ids;

  CallbackCompleter(EngineConfig config, ProviderRegistry registry, ConnectionStore store, SlotTransaction tx,
      ConnectionWaiters waiters, Ids ids) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.tx = tx;
    this.waiters = waiters;
    this.ids = ids;
  }

  /** The query of a request URI, refusing a parameter given twice. */
  CallbackResult handle(URI requestUri, Instant now) {
    Objects.requireNonNull(requestUri, "requestUri");
    Map<String, String> params = new LinkedHashMap<>();
    String raw = requestUri.getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (params.putIfAbsent(name, value) != null) {
          return CallbackResult.rejected("duplicate_parameter");
        }
      }
    }
    return handle(params, now);
  }

  CallbackResult handle(Map<String, String> params, Instant now) {
    Objects.requireNonNull(params, "params");
    String state = params.get("state");
    if (state == null || state.isEmpty()) {
      return CallbackResult.rejected("missing_state");
    }
    String key = Ids.keyOf(state);
    Optional<StoredFlow> found = key == null ? Optional.empty() : store.flow(key);
    if (found.isEmpty() || !Ids.sameState(found.get().state(), state) || !now.isBefore(found.get().expiresAt())) {
      return CallbackResult.rejected("unknown_state");
    }
    StoredFlow flow = found.get();
    Optional<ProviderRegistry.Entry> entry = registry.find(flow.toolkit());
    if (entry.isEmpty()) {
      return CallbackResult.rejected("unknown_state"); // its provider is no longer registered
    }
    boolean hasError = params.get("error") != null; // a null value is an absent parameter
    String grantParameter;
    try {
      grantParameter = entry.get().provider().grantParameter(flow.toolkit());
    } catch (ProviderException e) {
      return once(flow, now, claimant -> fail(flow, e.errorCode(), claimant));
    }
    String grant = params.get(grantParameter);
    if (!hasError && (grant == null || grant.isEmpty())) {
      return CallbackResult.rejected("missing_" + ProviderException.sanitize(grantParameter));
    }
    if (flow.link().isEmpty()) {
      return CallbackResult.rejected("unknown_state"); // its form was never submitted
    }
    return once(flow, now, claimant -> complete(flow, entry.get(), params, hasError, claimant));
  }

  /**
   * What completing a flow came to; a retryable one gives the flow back for the user's retry.
   *
   * @param recorded the outcome was recorded with the account's change, in the same commit
   */
  record Outcome(CallbackResult result, boolean retryable, boolean recorded) {
    static Outcome retry(CallbackResult result) {
      return new Outcome(result, true, false);
    }

    static Outcome done(CallbackResult result) {
      return new Outcome(result, false, false);
    }
  }

  /**
   * Runs {@code work} for the one caller that claims the flow; every other caller gets its
   * outcome, waiting for it when it is still being made.
   */
  CallbackResult once(StoredFlow flow, Instant now, java.util.function.Function<String, Outcome> work) {
    String claimant = ids.attempt();
    long waitUntil = System.nanoTime() + WAIT_FOR_OTHER.toNanos();
    // Only a callback that finds the flow busy waits, so only it registers (a shared map's insert and
    // removal on every callback otherwise); it registers and then claims again, so a settling that
    // happens in between is seen by that claim, and one after it completes the future.
    java.util.concurrent.CompletableFuture<Void> settled = null;
    while (true) {
      FlowClaim claim = store.claimFlow(flow.key(), claimant, now, now.plus(CLAIM_LEASE));
      switch (claim.kind()) {
        case UNKNOWN:
          return CallbackResult.rejected("unknown_state");
        case DONE:
          return claim.outcome().orElseThrow();
        case BUSY:
          if (settled == null) {
            settled = waiters.flowSettledFuture(flow.key());
            continue;
          }
          if (!await(settled, waitUntil)) {
            return new CallbackResult(false, Optional.of(flow.accountId()), Optional.of(INITIATED), Optional.empty(),
                Optional.of("callback_in_progress"));
          }
          settled = null;
          continue;
        default:
          break;
      }
      Outcome outcome;
      try {
        outcome = work.apply(claimant);
      } catch (RuntimeException | Error e) {
        store.releaseFlow(flow.key(), claimant);
        throw e;
      }
      if (outcome.retryable()) {
        store.releaseFlow(flow.key(), claimant);
      } else if (!outcome.recorded()) {
        store.completeFlow(flow.key(), claimant, outcome.result());
      }
      return outcome.result();
    }
  }

  private static boolean await(java.util.concurrent.CompletableFuture<Void> settled, long untilNanos) {
    long remaining = untilNanos - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    try {
      settled.get(remaining, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TetherException("Interrupted while waiting for another callback with the same state", e);
    }
  }

  private Outcome complete(StoredFlow flow, ProviderRegistry.Entry entry, Map<String, String> params,
      boolean hasError, String claimant) {
    GuardedProvider provider = entry.provider();
    String iss = params.get("iss");
    try {
      Optional<String> expected = provider.issuer(flow.toolkit());
      if (expected.isPresent()) {
        if (iss == null ? provider.requiresIssuer(flow.toolkit()) : !expected.get().equals(iss)) {
          return fail(flow, iss == null ? "missing_issuer" : "issuer_mismatch", claimant);
        }
      }
    } catch (ProviderException e) {
      return fail(flow, e.errorCode(), claimant);
    }
    if (hasError) {
      return fail(flow, ProviderException.sanitize(params.get("error")), claimant);
    }
    Optional<StoredAccount> before = pendingAccount(flow);
    if (before.isEmpty() || before.get().status() != INITIATED) {
      return Outcome.done(finished(flow, before.orElse(null)));
    }
    Credentials credentials;
    try {
      credentials = provider.exchange(new ExchangeRequest(flow.toolkit(), flow.userId(), withoutState(params),
          flow.redirectUri(), flow.verifier(), flow.link().map(l -> l.flowState()).orElse(Map.of()), config.now()));
    } catch (ProviderException e) {
      if (!e.isDefinitive()) {
        return Outcome.retry(result(flow, false, INITIATED, e.errorCode()));
      }
      return fail(flow, e.errorCode(), claimant);
    }
    return activate(flow, credentials, claimant);
  }

  /**
   * The flow's account before the exchange, from the slot (a store may answer it from its near
   * cache, without a round trip); from the account itself when the slot does not have it yet.
   */
  private Optional<StoredAccount> pendingAccount(StoredFlow flow) {
    for (StoredAccount a : store.slot(flow.userId(), flow.toolkit()).accounts()) {
      if (a.id().equals(flow.accountId())) {
        return Optional.of(a);
      }
    }
    return store.account(flow.accountId());
  }

  /**
   * INITIATED → ACTIVE unless the link expired or was superseded meanwhile (then the credentials are
   * dropped), recording the callback's outcome in the same commit.
   */
  Outcome activate(StoredFlow flow, Credentials credentials, String claimant) {
    CallbackResult result = tx.run(flow.userId(), flow.toolkit(), config.now(), d -> {
      CallbackResult r = finished(flow, ConnectionRules.activate(d, flow.accountId(), credentials, config.linkTtl())
          .orElse(null));
      d.completeFlow(flow.key(), claimant, r);
      return r;
    });
    return new Outcome(result, false, true);
  }

  private Outcome fail(StoredFlow flow, String reason, String claimant) {
    CallbackResult result = tx.run(flow.userId(), flow.toolkit(), config.now(), d -> {
      CallbackResult r = finished(flow, ConnectionRules.fail(d, flow.accountId(), reason, config.linkTtl())
          .orElse(null));
      d.completeFlow(flow.key(), claimant, r);
      return r;
    });
    return new Outcome(result, false, true);
  }

  /** The callback's result from the account as it now is. */
  static CallbackResult finished(StoredFlow flow, StoredAccount account) {
    if (account == null) {
      return result(flow, false, null, "account_deleted");
    }
    if (account.status() == ACTIVE) {
      return result(flow, true, ACTIVE, null);
    }
    return result(flow, false, account.status(), account.statusReason().orElse("link_expired"));
  }

  static CallbackResult result(StoredFlow flow, boolean success, ConnectionStatus status, String error) {
    Optional<URI> redirect = flow.callbackUrl()
        .map(url -> CallbackUrls.append(url, success ? "success" : "failed", flow.accountId()));
    return new CallbackResult(success, Optional.of(flow.accountId()), Optional.ofNullable(status), redirect,
        Optional.ofNullable(error));
  }

  /**
   * The callback's parameters but its state, as the immutable map an {@link ExchangeRequest} keeps
   * (which OpenJDK's {@code Map.copyOf} there then does not copy again). A parameter with a null
   * name or value is absent, as a host's framework may leave one it did not receive (the immutable
   * map cannot hold it, and a callback never throws for bad input). A concurrent map that grows
   * while it is read does not overflow the array.
   */
  private static Map<String, String> withoutState(Map<String, String> params) {
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] kept = new Map.Entry[params.size()];
    int n = 0;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getKey() != null && e.getValue() != null && !"state".equals(e.getKey())) {
        if (n == kept.length) {
          kept = Arrays.copyOf(kept, n + 4);
        }
        kept[n++] = Map.entry(e.getKey(), e.getValue());
      }
    }
    return Map.ofEntries(n == kept.length ? kept : Arrays.copyOf(kept, n));
  }
}

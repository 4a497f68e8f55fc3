package dev.tether.testkit;

import dev.tether.core.ConnectionStatus;
import dev.tether.core.ManageConnectionsResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A small reference model of the connection rules of BEHAVIOUR.md §2 in single-account mode: what
 * status every account should have after each thing that happens, and what the meta-tool should
 * answer. Compare an engine against it step by step (for instance in a jqwik {@code ActionChain}):
 * tell the model what happened, then check that {@link #status} matches the engine and that
 * {@link #checkInvariants()} holds.
 *
 * <p>It knows nothing of the engine's code; it is the contract, written small. Not thread-safe.
 */
public final class ConnectionModel {
  private final Duration linkTtl;
  private final Duration refreshSkew;
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private long order;

  private static final class Account {
    final String id;
    final String user;
    final String toolkit;
    ConnectionStatus status = ConnectionStatus.INITIATED;
    final Instant linkExpiresAt;
    Instant tokenExpiresAt;
    long connectedOrder = -1;
    boolean everActive;
    Instant endedAt;

    Account(String id, String user, String toolkit, Instant linkExpiresAt) {
      this.id = id;
      this.user = user;
      this.toolkit = toolkit;
      this.linkExpiresAt = linkExpiresAt;
    }
  }

  /**
   * A model with the engine's link TTL and token refresh skew.
   *
   * @param linkTtl the engine's {@code linkTtl}; not null
   * @param refreshSkew the engine's {@code tokenRefreshSkew}; not null
   */
  public ConnectionModel(Duration linkTtl, Duration refreshSkew) {
    this.linkTtl = Objects.requireNonNull(linkTtl, "linkTtl");
    this.refreshSkew = Objects.requireNonNull(refreshSkew, "refreshSkew");
  }

  /**
   * The model with the engine's defaults: 10-minute links, 60-second skew.
   *
   * @return a new, empty model
   */
  public static ConnectionModel withDefaults() {
    return new ConnectionModel(Duration.ofMinutes(10), Duration.ofSeconds(60));
  }

  // ------------------------------------------------------------------ queries

  /**
   * The status account {@code id} must have; empty once deleted or never known.
   *
   * @param id the account id
   * @return the expected status, or empty
   */
  public Optional<ConnectionStatus> status(String id) {
    return Optional.ofNullable(accounts.get(id)).map(a -> a.status);
  }

  /**
   * Every account the model knows.
   *
   * @return an immutable copy of the ids, in no particular order
   */
  public Set<String> accountIds() {
    return Set.copyOf(accounts.keySet());
  }

  /**
   * The pending (INITIATED, unexpired) account of a user and toolkit.
   *
   * @param user the end user's id
   * @param toolkit the toolkit slug
   * @return the pending account's id, or empty when the pair has no pending link
   */
  public Optional<String> pending(String user, String toolkit) {
    return pair(user, toolkit).stream().filter(a -> a.status == ConnectionStatus.INITIATED)
        .map(a -> a.id).findFirst();
  }

  /**
   * The ACTIVE account a session of {@code user} uses for {@code toolkit}.
   *
   * @param user the end user's id
   * @param toolkit the toolkit slug
   * @return the most recently connected ACTIVE account's id, or empty when none is ACTIVE
   */
  public Optional<String> active(String user, String toolkit) {
    return pair(user, toolkit).stream().filter(a -> a.status == ConnectionStatus.ACTIVE)
        .max(Comparator.comparingLong(a -> a.connectedOrder)).map(a -> a.id);
  }

  /**
   * What the meta-tool must answer for an OAuth toolkit the session may use.
   *
   * @param user the session's user
   * @param toolkit the toolkit slug
   * @param reinitiateAll the meta-tool call's {@code reinitiate_all}
   * @return ACTIVE when the pair has an ACTIVE account and nothing is reinitiated, else INITIATED
   */
  public ManageConnectionsResult.Status expectedManage(String user, String toolkit, boolean reinitiateAll) {
    return !reinitiateAll && active(user, toolkit).isPresent()
        ? ManageConnectionsResult.Status.ACTIVE : ManageConnectionsResult.Status.INITIATED;
  }

  /**
   * Whether the meta-tool must hand back the existing pending link rather than a new one.
   *
   * @param user the session's user
   * @param toolkit the toolkit slug
   * @param reinitiateAll the meta-tool call's {@code reinitiate_all}
   * @return true when nothing is reinitiated, nothing is ACTIVE and a link is pending
   */
  public boolean reusesPendingLink(String user, String toolkit, boolean reinitiateAll) {
    return !reinitiateAll && active(user, toolkit).isEmpty() && pending(user, toolkit).isPresent();
  }

  /**
   * Whether the engine may already have forgotten {@code id}: a link that ended (FAILED or
   * EXPIRED) without ever connecting, one link TTL or more ago. Engines prune such records lazily,
   * so a forgettable account may be absent or still present with its last status.
   *
   * @param id the account id
   * @param now the engine clock's time
   * @return true when the engine may have dropped the account
   */
  public boolean forgettable(String id, Instant now) {
    Account a = accounts.get(id);
    return a != null && !a.everActive && a.endedAt != null && !now.isBefore(a.endedAt.plus(linkTtl));
  }

  /**
   * Whether a first callback for {@code id} at {@code now} must connect the account.
   *
   * @param id the account id
   * @param now the engine clock's time of the callback
   * @return true when the account is INITIATED and its link has not expired
   */
  public boolean callbackConnects(String id, Instant now) {
    Account a = accounts.get(id);
    return a != null && a.status == ConnectionStatus.INITIATED && now.isBefore(a.linkExpiresAt);
  }

  /**
   * Whether the state of {@code id}'s link is still known at {@code now} (younger than the TTL).
   *
   * @param id the account id
   * @param now the engine clock's time
   * @return true when the engine must still recognise the link's state
   */
  public boolean stateKnown(String id, Instant now) {
    Account a = accounts.get(id);
    return a != null && now.isBefore(a.linkExpiresAt);
  }

  /**
   * Whether asking for {@code id}'s credentials at {@code now} must refresh them first.
   *
   * @param id the account id
   * @param now the engine clock's time
   * @return true when the account is ACTIVE and its token expires within the refresh skew
   */
  public boolean refreshDue(String id, Instant now) {
    Account a = accounts.get(id);
    return a != null && a.status == ConnectionStatus.ACTIVE && a.tokenExpiresAt != null
        && !now.plus(refreshSkew).isBefore(a.tokenExpiresAt);
  }

  // ------------------------------------------------------------------ what happened

  /**
   * A new link was issued for {@code id}: the pair's previous pending link expires.
   *
   * @param id the new account's id
   * @param user the end user's id
   * @param toolkit the toolkit slug
   * @param now the engine clock's time of issue
   * @throws AssertionError if {@code id} was issued before
   */
  public void linkIssued(String id, String user, String toolkit, Instant now) {
    if (accounts.containsKey(id)) {
      throw new AssertionError("Account id " + id + " was issued twice");
    }
    pending(user, toolkit).ifPresent(old -> end(accounts.get(old), ConnectionStatus.EXPIRED, now));
    accounts.put(id, new Account(id, user, toolkit, now.plus(linkTtl)));
  }

  /**
   * The callback for {@code id} exchanged successfully; the pair's other ACTIVE account goes INACTIVE.
   *
   * @param id the account id
   * @param tokenExpiresAt the issued token's expiry, or null when it does not expire
   * @throws IllegalArgumentException if the model does not know {@code id}
   */
  public void connected(String id, Instant tokenExpiresAt) {
    Account a = require(id);
    for (Account other : pair(a.user, a.toolkit)) {
      if (other.status == ConnectionStatus.ACTIVE) {
        other.status = ConnectionStatus.INACTIVE;
      }
    }
    a.status = ConnectionStatus.ACTIVE;
    a.everActive = true;
    a.tokenExpiresAt = tokenExpiresAt;
    a.connectedOrder = order++;
  }

  /**
   * The provider returned an error for {@code id}'s link at {@code now}.
   *
   * @param id the account id
   * @param now the engine clock's time of the callback
   * @throws IllegalArgumentException if the model does not know {@code id}
   */
  public void failed(String id, Instant now) {
    Account a = require(id);
    if (a.status == ConnectionStatus.INITIATED) {
      end(a, ConnectionStatus.FAILED, now);
    }
  }

  /**
   * The clock moved to {@code now}: links past their TTL expire, as of their expiry (not of when
   * the engine notices), which is when the engine's forgetting of them starts to count.
   *
   * @param now the engine clock's new time
   */
  public void timePassed(Instant now) {
    for (Account a : accounts.values()) {
      if (a.status == ConnectionStatus.INITIATED && !now.isBefore(a.linkExpiresAt)) {
        end(a, ConnectionStatus.EXPIRED, a.linkExpiresAt);
      }
    }
  }

  /**
   * {@code id}'s token was refreshed.
   *
   * @param id the account id
   * @param tokenExpiresAt the new token's expiry, or null when it does not expire
   * @throws IllegalArgumentException if the model does not know {@code id}
   */
  public void refreshed(String id, Instant tokenExpiresAt) {
    require(id).tokenExpiresAt = tokenExpiresAt;
  }

  /**
   * {@code id}'s token could not be refreshed (definitively) at {@code now}: ACTIVE → EXPIRED.
   *
   * @param id the account id
   * @param now the engine clock's time of the failed refresh
   * @throws IllegalArgumentException if the model does not know {@code id}
   */
  public void tokenDied(String id, Instant now) {
    Account a = require(id);
    if (a.status == ConnectionStatus.ACTIVE) {
      end(a, ConnectionStatus.EXPIRED, now);
    }
  }

  private static void end(Account a, ConnectionStatus terminal, Instant now) {
    a.status = terminal;
    a.endedAt = now;
  }

  /**
   * Whether {@code disable(id)} is allowed.
   *
   * @param id the account id
   * @return true when the account is ACTIVE
   */
  public boolean canDisable(String id) {
    return status(id).orElse(null) == ConnectionStatus.ACTIVE;
  }

  /**
   * Whether {@code enable(id)} is allowed.
   *
   * @param id the account id
   * @return true when the account is INACTIVE
   */
  public boolean canEnable(String id) {
    return status(id).orElse(null) == ConnectionStatus.INACTIVE;
  }

  /**
   * {@code id} was disabled.
   *
   * @param id the account id
   * @throws IllegalArgumentException if the model does not know {@code id}
   */
  public void disabled(String id) {
    require(id).status = ConnectionStatus.INACTIVE;
  }

  /**
   * {@code id} was enabled: in single-account mode the pair's other ACTIVE account goes INACTIVE.
   *
   * @param id the account id
   * @throws IllegalArgumentException if the model does not know {@code id}
   */
  public void enabled(String id) {
    Account a = require(id);
    for (Account other : pair(a.user, a.toolkit)) {
      if (other.status == ConnectionStatus.ACTIVE) {
        other.status = ConnectionStatus.INACTIVE;
      }
    }
    a.status = ConnectionStatus.ACTIVE;
  }

  /**
   * {@code id} was deleted.
   *
   * @param id the account id; unknown ids are ignored
   */
  public void deleted(String id) {
    accounts.remove(id);
  }

  /**
   * The rules that hold after every step: per user and toolkit at most one pending link and at
   * most one ACTIVE account; an account that was ever ACTIVE is never INITIATED.
   *
   * @throws AssertionError naming the broken rule
   */
  public void checkInvariants() {
    Map<String, int[]> perPair = new LinkedHashMap<>();
    for (Account a : accounts.values()) {
      int[] counts = perPair.computeIfAbsent(a.user + "/" + a.toolkit, k -> new int[2]);
      if (a.status == ConnectionStatus.INITIATED) {
        counts[0]++;
        if (a.everActive) {
          throw new AssertionError(a.id + " went from ACTIVE back to INITIATED");
        }
      }
      if (a.status == ConnectionStatus.ACTIVE) {
        counts[1]++;
      }
    }
    perPair.forEach((pair, c) -> {
      if (c[0] > 1) {
        throw new AssertionError(pair + " has " + c[0] + " pending links");
      }
      if (c[1] > 1) {
        throw new AssertionError(pair + " has " + c[1] + " ACTIVE accounts in single-account mode");
      }
    });
  }

  private List<Account> pair(String user, String toolkit) {
    List<Account> out = new ArrayList<>();
    for (Account a : accounts.values()) {
      if (a.user.equals(user) && a.toolkit.equals(toolkit)) {
        out.add(a);
      }
    }
    return out;
  }

  private Account require(String id) {
    Account a = accounts.get(id);
    if (a == null) {
      throw new IllegalArgumentException("The model knows no account " + id);
    }
    return a;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ConnectionModel[");
    accounts.values().forEach(a -> sb.append(a.id, 0, Math.min(a.id.length(), 8)).append(':').append(a.user)
        .append('/').append(a.toolkit).append('=').append(a.status).append(' '));
    return sb.append(']').toString();
  }
}

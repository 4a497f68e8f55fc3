package dev.tether.core.store;

import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionStatus;
import dev.tether.spi.Credentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a store keeps of one connected account, credentials included. Immutable: every change
 * is a new value ({@link #toBuilder()}), which is what lets a store compare what it handed out.
 *
 * <p>Laid out for a million of them in memory: times are epoch nanoseconds (so the engine's clock
 * must read between the years 1678 and 2261), the credentials are packed (secrets in one byte
 * array, the rest shared by every account with the same scheme, scopes and attributes), and the
 * status reason and the pending link share one field (an account has a reason only once its link
 * is gone). The accessors rebuild the public values. {@link #toString()} shows no credential and no
 * link.
 */
public final class StoredAccount {
  /** The status reason of an account whose link died unused. */
  public static final String LINK_EXPIRED = "link_expired";
  private final String id;
  private final String userId;
  private final String toolkit;
  private final ConnectionStatus status;
  private final boolean exclusive;
  private final long createdAt;
  private final long updatedAt;
  private final long connectedAt;
  /** The status reason (a String), the pending link while INITIATED (a {@link Link}), or null. */
  private final Object detail;
  // The credentials, unboxed from their StoredCredentials (16 bytes less per account); shape null when none.
  private final StoredCredentials.Shape credentialShape;
  private final byte[] credentialSecrets;
  private final long credentialsExpireAtSecond;
  private final int credentialsExpireAtNano;

  /**
   * What a pending (INITIATED) account keeps about its link.
   *
   * @param id the connect-link id, {@code ln_…}
   * @param expiresAt when the link dies
   * @param redirectUrl the URL handed out for it (may carry the state: never log it)
   */
  public record Link(String id, Instant expiresAt, String redirectUrl) {
    /**
     * Checks that nothing is null.
     *
     * @param expiresAt when the link dies
     * @param id the connect-link id, {@code ln_…}
     * @param redirectUrl the URL handed out for it (may carry the state: never log it)
     */
    public Link {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(expiresAt, "expiresAt");
      Objects.requireNonNull(redirectUrl, "redirectUrl");
    }

    /** Shows the id and expiry only. */
    @Override
    public String toString() {
      return "Link[" + id + ", expiresAt=" + expiresAt + "]";
    }
  }

  private StoredAccount(Builder b) {
    this.id = b.id;
    this.userId = b.userId;
    this.toolkit = b.toolkit;
    this.status = b.status;
    this.createdAt = b.createdAt;
    this.updatedAt = b.updatedAt;
    this.connectedAt = b.connectedAt;
    this.exclusive = b.exclusive;
    if (b.link != null && b.statusReason != null) {
      throw new IllegalArgumentException("Account " + id + ": a pending account has a link, not a status reason");
    }
    if (b.link != null && status != ConnectionStatus.INITIATED) {
      throw new IllegalArgumentException("Account " + id + " is " + status + ": only an INITIATED account has a link");
    }
    StoredCredentials c = b.credentials;
    this.credentialShape = c == null ? null : c.shape();
    this.credentialSecrets = c == null ? null : c.secrets();
    this.credentialsExpireAtSecond = c == null ? 0 : c.expiresAtSecond();
    this.credentialsExpireAtNano = c == null ? 0 : c.expiresAtNano();
    PendingLink l = b.link;
    if (l == null) {
      this.detail = b.statusReason;
      return;
    }
    // What it becomes if the link dies unused (withLinkExpired); detail is still null here, as a builder reads it.
    Builder expired = new Builder(this).status(ConnectionStatus.EXPIRED).statusReason(LINK_EXPIRED);
    expired.updatedAt = l.expiresAt;
    this.detail = new PendingLink(l.id, l.expiresAt, l.redirectUrl, expired.build());
  }

  /**
   * Starts an account.
   *
   * @param id the account id, {@code ca_…}
   * @param userId the end user
   * @param toolkit the toolkit slug
   * @param status its status
   * @param createdAt when it was created; also its {@code updatedAt} until set
   * @return a builder
   * @throws IllegalStateException naming the fix when {@code createdAt} is outside the years 1678 to
   *     2261
   */
  public static Builder builder(String id, String userId, String toolkit, ConnectionStatus status,
      Instant createdAt) {
    return new Builder(id, userId, toolkit, status, createdAt);
  }

  /**
   * Fails, naming the fix, for an instant an account cannot record (outside the years 1678 to 2261).
   *
   * @param instant a time the engine's clock read
   * @throws IllegalStateException naming the fix
   */
  public static void requireRecordable(Instant instant) {
    Times.nanos(instant);
  }

  /** {@return a builder holding this account's values, to make a changed copy} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the account id, {@code ca_…}} */
  public String id() {
    return id;
  }

  /** {@return the end user} */
  public String userId() {
    return userId;
  }

  /** {@return the toolkit slug} */
  public String toolkit() {
    return toolkit;
  }

  /** {@return the lifecycle status} */
  public ConnectionStatus status() {
    return status;
  }

  /** {@return a short, non-secret reason for the status (e.g. {@code access_denied})} */
  public Optional<String> statusReason() {
    return detail instanceof String ? Optional.of((String) detail) : Optional.empty();
  }

  /** {@return when it was created} */
  public Instant createdAt() {
    return Times.instant(createdAt);
  }

  /** When it was created, in epoch nanoseconds: for the store's ordering, without allocating. */
  long createdAtNanos() {
    return createdAt;
  }

  /** {@return when its status or credentials last changed} */
  public Instant updatedAt() {
    return Times.instant(updatedAt);
  }

  /** {@return when it last became ACTIVE through a completed flow or typed credentials; empty if never} */
  public Optional<Instant> connectedAt() {
    return Optional.ofNullable(Times.instant(connectedAt));
  }

  /** {@return whether it was ever connected} */
  public boolean everConnected() {
    return connectedAt != Times.NONE;
  }

  /**
   * Whether this account is more recent than {@code other} for "the most recently connected
   * account": by when each connected, else was created. Compares without allocating.
   *
   * @param other another account of the same pair
   * @return true when this one is at least as recent
   */
  public boolean atLeastAsRecentAs(StoredAccount other) {
    return connectedOrCreated() >= other.connectedOrCreated();
  }

  private long connectedOrCreated() {
    return connectedAt == Times.NONE ? createdAt : connectedAt;
  }

  /**
   * Whether it was created in single-account mode: activating it supersedes the user's other
   * ACTIVE account for the toolkit.
   *
   * @return true for an account of single-account mode
   */
  public boolean exclusive() {
    return exclusive;
  }

  /** {@return the credentials, rebuilt (a fresh value each call); empty when it holds none} */
  public Optional<Credentials> credentials() {
    return credentialShape == null ? Optional.empty() : Optional.of(stored().toCredentials());
  }

  /** {@return when the access token expires, if it holds credentials that do} */
  public Optional<Instant> credentialsExpireAt() {
    return credentialShape == null ? Optional.empty() : stored().expiresAt();
  }

  /** {@return whether its credentials include a refresh token} */
  public boolean hasRefreshToken() {
    return credentialShape != null && stored().hasRefreshToken();
  }

  /**
   * Whether its access token expires within {@code margin} of {@code now} (or already has).
   *
   * @param now the engine's time
   * @param margin how far ahead to look
   * @return false without credentials, or with credentials that never expire
   */
  public boolean dueForRefresh(Instant now, Duration margin) {
    return credentialShape != null && stored().expiresBy(now.plus(margin));
  }

  /**
   * This pending account once its link has died: EXPIRED with reason {@value #LINK_EXPIRED} as of
   * the link's expiry. The same instance every call, built with the account, so a link expiring
   * allocates nothing that a young collection must scan or copy.
   *
   * @return the expired account
   * @throws IllegalStateException if it has no pending link
   */
  public StoredAccount withLinkExpired() {
    if (!(detail instanceof PendingLink)) {
      throw new IllegalStateException("Account " + id + " is " + status + " without a pending link; only a "
          + "pending account's link can expire");
    }
    return ((PendingLink) detail).expired;
  }

  /** {@return the pending link, while INITIATED} */
  public Optional<Link> link() {
    if (!(detail instanceof PendingLink)) {
      return Optional.empty();
    }
    PendingLink l = (PendingLink) detail;
    return Optional.of(new Link(l.id, Times.instant(l.expiresAt), l.redirectUrl));
  }

  /** The pending link's expiry in epoch nanoseconds, or {@link Times#NONE}: for the store's index. */
  long linkExpiresAtNanos() {
    return detail instanceof PendingLink ? ((PendingLink) detail).expiresAt : Times.NONE;
  }

  /** {@return the URL handed out for the pending link, or null: {@code link().map(Link::redirectUrl)} without allocating} */
  public String redirectUrl() {
    return detail instanceof PendingLink ? ((PendingLink) detail).redirectUrl : null;
  }

  /**
   * Whether it is INITIATED with a link that is dead at {@code now}.
   *
   * @param now the engine's time
   * @return true when the link's TTL has passed
   */
  public boolean linkExpiredAt(Instant now) {
    return status == ConnectionStatus.INITIATED && detail instanceof PendingLink
        && Times.nanos(now) >= ((PendingLink) detail).expiresAt;
  }

  /**
   * Whether it ended (FAILED or EXPIRED) without ever connecting, {@code ttl} or longer ago.
   *
   * @param ttl how long an ended link is kept
   * @param now the engine's time
   * @return true when it may be forgotten
   */
  public boolean abandonedLongerThan(Duration ttl, Instant now) {
    return status.isTerminal() && connectedAt == Times.NONE && Times.nanos(now) - updatedAt >= ttl.toNanos();
  }

  /** {@return the public snapshot: no credentials, no link} */
  public ConnectedAccount view() {
    return new ConnectedAccount(id, userId, toolkit, status, statusReason(), createdAt(), updatedAt());
  }

  private StoredCredentials stored() {
    return new StoredCredentials(credentialShape, credentialSecrets, credentialsExpireAtSecond,
        credentialsExpireAtNano);
  }

  /** Never shows credentials or the pending link (which may carry the state). */
  @Override
  public String toString() {
    return "StoredAccount[" + id + ", user=" + userId + ", toolkit=" + toolkit + ", status=" + status
        + statusReason().map(r -> ", reason=" + r).orElse("") + "]";
  }

  /** Builds a {@link StoredAccount}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final String userId;
    private final String toolkit;
    private ConnectionStatus status;
    private final long createdAt;
    private long updatedAt;
    private long connectedAt = Times.NONE;
    private boolean exclusive = true;
    private String statusReason;
    private PendingLink link;
    private StoredCredentials credentials;

    private Builder(String id, String userId, String toolkit, ConnectionStatus status, Instant createdAt) {
      this.id = Objects.requireNonNull(id, "id");
      this.userId = Objects.requireNonNull(userId, "userId");
      this.toolkit = Objects.requireNonNull(toolkit, "toolkit");
      this.status = Objects.requireNonNull(status, "status");
      this.createdAt = Times.nanos(Objects.requireNonNull(createdAt, "createdAt"));
      this.updatedAt = this.createdAt;
    }

    private Builder(StoredAccount a) {
      this.id = a.id;
      this.userId = a.userId;
      this.toolkit = a.toolkit;
      this.status = a.status;
      this.createdAt = a.createdAt;
      this.updatedAt = a.updatedAt;
      this.connectedAt = a.connectedAt;
      this.exclusive = a.exclusive;
      this.statusReason = a.detail instanceof String ? (String) a.detail : null;
      this.link = a.detail instanceof PendingLink ? (PendingLink) a.detail : null;
      this.credentials = a.credentialShape == null ? null : a.stored();
    }

    /**
     * The status; a status other than INITIATED drops the link, and only ACTIVE and INACTIVE keep
     * credentials.
     *
     * @param newStatus the new status
     * @return this builder
     */
    public Builder status(ConnectionStatus newStatus) {
      this.status = Objects.requireNonNull(newStatus, "status");
      if (newStatus != ConnectionStatus.INITIATED) {
        link = null;
      }
      if (newStatus != ConnectionStatus.ACTIVE && newStatus != ConnectionStatus.INACTIVE) {
        credentials = null;
      }
      return this;
    }

    /**
     * When the status or credentials last changed.
     *
     * @param at the time
     * @return this builder
     */
    public Builder updatedAt(Instant at) {
      this.updatedAt = Times.nanos(Objects.requireNonNull(at, "updatedAt"));
      return this;
    }

    /**
     * When it last became ACTIVE through a completed flow; null for never.
     *
     * @param at the time, or null
     * @return this builder
     */
    public Builder connectedAt(Instant at) {
      this.connectedAt = Times.nanosOrNone(at);
      return this;
    }

    /**
     * Whether it was created in single-account mode (default true).
     *
     * @param value the mode
     * @return this builder
     */
    public Builder exclusive(boolean value) {
      this.exclusive = value;
      return this;
    }

    /**
     * The status reason, or null for none.
     *
     * @param reason a short, non-secret reason
     * @return this builder
     */
    public Builder statusReason(String reason) {
      this.statusReason = reason;
      return this;
    }

    /**
     * The pending link of an INITIATED account.
     *
     * @param linkId the connect-link id, {@code ln_…}
     * @param expiresAt when it dies
     * @param redirectUrl the URL handed out for it
     * @return this builder
     */
    public Builder link(String linkId, Instant expiresAt, String redirectUrl) {
      this.link = new PendingLink(Objects.requireNonNull(linkId, "linkId"),
          Times.nanos(Objects.requireNonNull(expiresAt, "expiresAt")), Objects.requireNonNull(redirectUrl, "redirectUrl"),
          null);
      return this;
    }

    /**
     * The credentials, or null for none.
     *
     * @param value the credentials
     * @return this builder
     */
    public Builder credentials(Credentials value) {
      this.credentials = StoredCredentials.of(value);
      return this;
    }

    /**
     * The account.
     *
     * @return a new immutable value
     * @throws IllegalArgumentException if a link is set on an account that is not INITIATED, or
     *     beside a status reason
     */
    public StoredAccount build() {
      return new StoredAccount(this);
    }
  }
}

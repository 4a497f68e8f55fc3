package dev.tether.core;

import dev.tether.spi.Credentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's full record of one connected account, credentials included. Immutable; replaced
 * whole by {@link AccountStateMachine} transitions.
 *
 * <p>Laid out for a million of them: times are epoch nanoseconds ({@link Times}), credentials are
 * {@link StoredCredentials} kept unboxed, and the status reason and the pending link share one
 * field (a record has a reason only once its link is gone). Accessors rebuild the public values.
 */
final class AccountRecord {
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

  /** What a pending (INITIATED) account keeps about its link. */
  private static final class Link {
    final String id;
    final long expiresAt;
    final String redirectUrl;

    Link(String id, long expiresAt, String redirectUrl) {
      this.id = id;
      this.expiresAt = expiresAt;
      this.redirectUrl = redirectUrl;
    }
  }

  /**
   * @param exclusive created in single-account mode: activating it supersedes the user's other
   *     ACTIVE account for the toolkit
   * @param connectedAt when it last became ACTIVE through a completed flow (orders "most recent")
   * @param linkId the connect-link id while INITIATED
   * @param linkExpiresAt when the pending link dies, while INITIATED
   * @param redirectUrl the URL handed out for the pending link, while INITIATED
   */
  AccountRecord(String id, String userId, String toolkit, ConnectionStatus status, String statusReason,
      Instant createdAt, Instant updatedAt, Instant connectedAt, boolean exclusive, Credentials credentials,
      String linkId, Instant linkExpiresAt, String redirectUrl) {
    this(id, userId, toolkit, status, Times.nanos(Objects.requireNonNull(createdAt, "createdAt")),
        Times.nanos(Objects.requireNonNull(updatedAt, "updatedAt")), Times.nanosOrNone(connectedAt), exclusive,
        detail(statusReason, linkId, linkExpiresAt, redirectUrl), StoredCredentials.of(credentials));
  }

  private AccountRecord(String id, String userId, String toolkit, ConnectionStatus status, long createdAt,
      long updatedAt, long connectedAt, boolean exclusive, Object detail, StoredCredentials credentials) {
    this.id = Objects.requireNonNull(id, "id");
    this.userId = Objects.requireNonNull(userId, "userId");
    this.toolkit = Objects.requireNonNull(toolkit, "toolkit");
    this.status = Objects.requireNonNull(status, "status");
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
    this.connectedAt = connectedAt;
    this.exclusive = exclusive;
    this.detail = detail;
    this.credentialShape = credentials == null ? null : credentials.shape();
    this.credentialSecrets = credentials == null ? null : credentials.secrets();
    this.credentialsExpireAtSecond = credentials == null ? 0 : credentials.expiresAtSecond();
    this.credentialsExpireAtNano = credentials == null ? 0 : credentials.expiresAtNano();
  }

  /** The credentials reassembled (a small object, dropped after use), or null. */
  private StoredCredentials stored() {
    return credentialShape == null ? null : new StoredCredentials(credentialShape, credentialSecrets,
        credentialsExpireAtSecond, credentialsExpireAtNano);
  }

  private static Object detail(String statusReason, String linkId, Instant linkExpiresAt, String redirectUrl) {
    if (linkId == null) {
      return statusReason;
    }
    if (statusReason != null) {
      throw new IllegalArgumentException("A pending account has a link, not a status reason");
    }
    return new Link(linkId, Times.nanos(Objects.requireNonNull(linkExpiresAt, "linkExpiresAt")),
        Objects.requireNonNull(redirectUrl, "redirectUrl"));
  }

  String id() {
    return id;
  }

  String userId() {
    return userId;
  }

  String toolkit() {
    return toolkit;
  }

  ConnectionStatus status() {
    return status;
  }

  String statusReason() {
    return detail instanceof String ? (String) detail : null;
  }

  Instant createdAt() {
    return Times.instant(createdAt);
  }

  Instant updatedAt() {
    return Times.instant(updatedAt);
  }

  /** Null when it never connected. */
  Instant connectedAt() {
    return Times.instant(connectedAt);
  }

  /** What orders "the most recent" account, without allocating: when it connected, else was created. */
  long connectedOrCreatedNanos() {
    return connectedAt == Times.NONE ? createdAt : connectedAt;
  }

  long createdAtNanos() {
    return createdAt;
  }

  boolean exclusive() {
    return exclusive;
  }

  /** A fresh SPI value, or null when the account holds none. */
  Credentials credentials() {
    return credentialShape == null ? null : stored().toCredentials();
  }

  /** The credentials' expiry, if they have one. */
  Optional<Instant> credentialsExpireAt() {
    return credentialShape == null ? Optional.empty() : stored().expiresAt();
  }

  boolean hasRefreshToken() {
    return credentialShape != null && stored().hasRefreshToken();
  }

  /** Whether the token expires within {@code margin} of {@code now} (or already has). */
  boolean dueForRefresh(Instant now, Duration margin) {
    return credentialShape != null && stored().expiresBy(now.plus(margin));
  }

  String linkId() {
    return detail instanceof Link ? ((Link) detail).id : null;
  }

  Instant linkExpiresAt() {
    return detail instanceof Link ? Times.instant(((Link) detail).expiresAt) : null;
  }

  String redirectUrl() {
    return detail instanceof Link ? ((Link) detail).redirectUrl : null;
  }

  ConnectedAccount view() {
    return new ConnectedAccount(id, userId, toolkit, status, Optional.ofNullable(statusReason()),
        createdAt(), updatedAt());
  }

  boolean linkExpiredAt(Instant now) {
    return status == ConnectionStatus.INITIATED && detail instanceof Link
        && Times.nanos(now) >= ((Link) detail).expiresAt;
  }

  /** Whether it ended (FAILED or EXPIRED) without ever connecting and has been so for {@code ttl}. */
  boolean abandonedLongerThan(Duration ttl, Instant now) {
    return status.isTerminal() && connectedAt == Times.NONE && Times.nanos(now) - updatedAt >= ttl.toNanos();
  }

  AccountRecord with(ConnectionStatus newStatus, String reason, Instant now) {
    boolean keepsLink = newStatus == ConnectionStatus.INITIATED;
    boolean keepsCredentials = newStatus == ConnectionStatus.ACTIVE || newStatus == ConnectionStatus.INACTIVE;
    Object newDetail = keepsLink && detail instanceof Link ? detail : reason;
    return new AccountRecord(id, userId, toolkit, newStatus, createdAt, Times.nanos(now), connectedAt, exclusive,
        newDetail, keepsCredentials ? stored() : null);
  }

  AccountRecord activated(Credentials newCredentials, Instant now) {
    long at = Times.nanos(now);
    return new AccountRecord(id, userId, toolkit, ConnectionStatus.ACTIVE, createdAt, at, at, exclusive, null,
        StoredCredentials.of(newCredentials));
  }

  AccountRecord withCredentials(Credentials newCredentials, Instant now) {
    return new AccountRecord(id, userId, toolkit, status, createdAt, Times.nanos(now), connectedAt, exclusive, detail,
        StoredCredentials.of(newCredentials));
  }

  /** Never shows credentials or the pending link (which may carry the state). */
  @Override
  public String toString() {
    String reason = statusReason();
    return "AccountRecord[" + id + ", user=" + userId + ", toolkit=" + toolkit + ", status=" + status
        + (reason == null ? "" : ", reason=" + reason) + "]";
  }
}

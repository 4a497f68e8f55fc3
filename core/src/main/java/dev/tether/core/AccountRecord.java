package dev.tether.core;

import dev.tether.spi.Credentials;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's full record of one connected account, credentials included. Immutable; replaced
 * whole by {@link AccountStateMachine} transitions.
 *
 * @param exclusive created in single-account mode: activating it supersedes the user's other
 *     ACTIVE account for the toolkit
 * @param connectedAt when it last became ACTIVE through a completed flow (orders "most recent")
 * @param linkId the connect-link id while INITIATED
 * @param linkExpiresAt when the pending link dies, while INITIATED
 * @param redirectUrl the URL handed out for the pending link, while INITIATED
 */
record AccountRecord(
    String id,
    String userId,
    String toolkit,
    ConnectionStatus status,
    String statusReason,
    Instant createdAt,
    Instant updatedAt,
    Instant connectedAt,
    boolean exclusive,
    Credentials credentials,
    String linkId,
    Instant linkExpiresAt,
    URI redirectUrl) {

  AccountRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(toolkit, "toolkit");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  ConnectedAccount view() {
    return new ConnectedAccount(id, userId, toolkit, status, Optional.ofNullable(statusReason),
        createdAt, updatedAt);
  }

  boolean linkExpiredAt(Instant now) {
    return status == ConnectionStatus.INITIATED && linkExpiresAt != null && !now.isBefore(linkExpiresAt);
  }

  AccountRecord with(ConnectionStatus newStatus, String reason, Instant now) {
    boolean keepsLink = newStatus == ConnectionStatus.INITIATED;
    boolean keepsCredentials = newStatus == ConnectionStatus.ACTIVE || newStatus == ConnectionStatus.INACTIVE;
    return new AccountRecord(id, userId, toolkit, newStatus, reason, createdAt, now, connectedAt,
        exclusive, keepsCredentials ? credentials : null,
        keepsLink ? linkId : null, keepsLink ? linkExpiresAt : null, keepsLink ? redirectUrl : null);
  }

  AccountRecord activated(Credentials newCredentials, Instant now) {
    return new AccountRecord(id, userId, toolkit, ConnectionStatus.ACTIVE, null, createdAt, now, now,
        exclusive, newCredentials, null, null, null);
  }

  AccountRecord withCredentials(Credentials newCredentials, Instant now) {
    return new AccountRecord(id, userId, toolkit, status, statusReason, createdAt, now, connectedAt,
        exclusive, newCredentials, linkId, linkExpiresAt, redirectUrl);
  }

  /** Never shows credentials or the pending link (which may carry the state). */
  @Override
  public String toString() {
    return "AccountRecord[" + id + ", user=" + userId + ", toolkit=" + toolkit + ", status=" + status
        + (statusReason == null ? "" : ", reason=" + statusReason) + "]";
  }
}

package dev.tether.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one user's connection to one toolkit. Holds no credentials: ask
 * {@link Tether#credentials(String)} for those.
 *
 * @param id the account id, {@code ca_…}
 * @param userId the end user's id
 * @param toolkit the toolkit slug
 * @param status the lifecycle status at the time of the snapshot
 * @param statusReason a short, non-secret reason for the status (e.g. {@code access_denied})
 * @param createdAt when the account was created
 * @param updatedAt when the status or credentials last changed
 */
public record ConnectedAccount(
    String id,
    String userId,
    String toolkit,
    ConnectionStatus status,
    Optional<String> statusReason,
    Instant createdAt,
    Instant updatedAt) {
  /**
   * Checks that no component is null.
   *
   * @param id the account id
   * @param userId the end user's id
   * @param toolkit the toolkit slug
   * @param status the lifecycle status
   * @param statusReason the reason for the status, or empty
   * @param createdAt when the account was created
   * @param updatedAt when the status or credentials last changed
   */
  public ConnectedAccount {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(toolkit, "toolkit");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(statusReason, "statusReason");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}

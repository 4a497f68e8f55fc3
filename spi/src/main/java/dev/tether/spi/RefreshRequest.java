package dev.tether.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What the engine hands a provider to refresh an account's credentials.
 *
 * @param toolkit the toolkit slug
 * @param userId the end user's id
 * @param credentials the account's current credentials (with the refresh token, if any)
 * @param now the engine clock's time, for computing expiry instants
 */
public record RefreshRequest(String toolkit, String userId, Credentials credentials, Instant now) {
  /**
   * Validates every component.
   *
   * @param toolkit the toolkit slug; must be {@linkplain Slugs#isValid valid}
   * @param userId the end user's id; not null
   * @param credentials the account's current credentials; not null
   * @param now the engine clock's time; not null
   * @throws IllegalArgumentException when {@code toolkit} is not a valid slug
   * @throws NullPointerException when a component is null
   */
  public RefreshRequest {
    Slugs.requireValid(toolkit);
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(now, "now");
  }
}

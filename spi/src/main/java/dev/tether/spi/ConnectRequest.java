package dev.tether.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine hands a provider to turn typed credentials (API key, bearer token, user name and
 * password) into {@link Credentials}. The engine has checked that every required field is present;
 * the provider checks their form. {@link #toString()} shows field names only.
 *
 * @param toolkit the toolkit slug
 * @param userId the end user's id
 * @param fields the submitted values by field name (secret ones included)
 * @param now the engine clock's time
 */
public record ConnectRequest(String toolkit, String userId, Map<String, String> fields, Instant now) {
  /**
   * Validates the components and copies the fields.
   *
   * @param toolkit the toolkit slug; must be {@linkplain Slugs#isValid valid}
   * @param userId the end user's id; not null
   * @param fields the submitted values by field name, copied; no null keys or values
   * @param now the engine clock's time; not null
   * @throws IllegalArgumentException when {@code toolkit} is not a valid slug
   * @throws NullPointerException when a component is null
   */
  public ConnectRequest {
    Slugs.requireValid(toolkit);
    Objects.requireNonNull(userId, "userId");
    fields = Map.copyOf(fields);
    Objects.requireNonNull(now, "now");
  }

  @Override
  public String toString() {
    return "ConnectRequest[toolkit=" + toolkit + ", userId=" + userId + ", fields=" + fields.keySet() + "]";
  }
}

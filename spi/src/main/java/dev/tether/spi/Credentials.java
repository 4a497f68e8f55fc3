package dev.tether.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Credentials for one connected account. Secret parts are {@link Secret}s, so the generated
 * {@link #toString()} never shows them.
 *
 * @param scheme how the credentials are used
 * @param accessToken the access token, API key or password, when the scheme has one
 * @param refreshToken the OAuth 2.0 refresh token, if the upstream issued one
 * @param expiresAt when the access token stops working; empty means the upstream said it does
 *     not expire (providers apply a default lifetime when the upstream is silent)
 * @param scopes the granted scopes, as the upstream reported them
 * @param attributes non-secret values worth keeping (token type, workspace id, instance URL,
 *     user name for Basic)
 * @param secrets further secret values (e.g. an OAuth 1.0a token secret)
 */
public record Credentials(
    AuthScheme scheme,
    Optional<Secret> accessToken,
    Optional<Secret> refreshToken,
    Optional<Instant> expiresAt,
    List<String> scopes,
    Map<String, String> attributes,
    Map<String, Secret> secrets) {

  /**
   * Validates and copies every component.
   *
   * @param scheme how the credentials are used; not null
   * @param accessToken the access token, API key or password; not null, may be empty
   * @param refreshToken the refresh token; not null, may be empty
   * @param expiresAt the access token's expiry; not null, empty when it does not expire
   * @param scopes the granted scopes, copied
   * @param attributes non-secret values, copied
   * @param secrets further secret values, copied
   * @throws NullPointerException when a component (or a collection element) is null
   */
  public Credentials {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(refreshToken, "refreshToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
    scopes = List.copyOf(scopes);
    attributes = Map.copyOf(attributes);
    secrets = Map.copyOf(secrets);
  }

  /**
   * Starts a builder for credentials of {@code scheme}.
   *
   * @param scheme how the credentials are used; not null
   * @return a new builder with no token, no expiry and no scopes, attributes or secrets
   */
  public static Builder builder(AuthScheme scheme) {
    return new Builder(scheme);
  }

  /**
   * A builder holding these credentials, to derive changed ones (e.g. after a refresh).
   *
   * @return a new builder; changing it leaves these credentials as they are
   */
  public Builder toBuilder() {
    Builder b = new Builder(scheme);
    b.accessToken = accessToken.orElse(null);
    b.refreshToken = refreshToken.orElse(null);
    b.expiresAt = expiresAt.orElse(null);
    b.scopes.addAll(scopes);
    b.attributes.putAll(attributes);
    b.secrets.putAll(secrets);
    return b;
  }

  /**
   * Whether the access token has an expiry at or before {@code instant}.
   *
   * @param instant the moment to compare with, usually the engine clock's time plus a margin
   * @return true when {@link #expiresAt()} is present and not after {@code instant}; false for
   *     credentials that do not expire
   */
  public boolean expiresBy(Instant instant) {
    return expiresAt.map(e -> !e.isAfter(instant)).orElse(false);
  }

  /** Builds {@link Credentials}. Not thread-safe. */
  public static final class Builder {
    private final AuthScheme scheme;
    private Secret accessToken;
    private Secret refreshToken;
    private Instant expiresAt;
    private final List<String> scopes = new ArrayList<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final Map<String, Secret> secrets = new LinkedHashMap<>();

    private Builder(AuthScheme scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    /**
     * Sets the access token (or API key, or password).
     *
     * @param token the non-empty value
     * @return this builder
     * @throws IllegalArgumentException when {@code token} is empty
     */
    public Builder accessToken(String token) {
      this.accessToken = Secret.of(token);
      return this;
    }

    /**
     * Sets or clears ({@code null}) the refresh token.
     *
     * @param token the non-empty refresh token, or null for none
     * @return this builder
     */
    public Builder refreshToken(String token) {
      this.refreshToken = token == null ? null : Secret.of(token);
      return this;
    }

    /**
     * Sets or clears ({@code null}: does not expire) the access token's expiry.
     *
     * @param instant when the access token stops working, or null when it does not expire
     * @return this builder
     */
    public Builder expiresAt(Instant instant) {
      this.expiresAt = instant;
      return this;
    }

    /**
     * Replaces the granted scopes.
     *
     * @param granted the scopes the upstream granted, in its order; no null elements
     * @return this builder
     */
    public Builder scopes(List<String> granted) {
      scopes.clear();
      scopes.addAll(granted);
      return this;
    }

    /**
     * Adds a non-secret attribute, replacing one of the same name.
     *
     * @param name the attribute's name, e.g. {@code token_type}; not null
     * @param value its value; not null, and never a secret (attributes may be shown)
     * @return this builder
     */
    public Builder attribute(String name, String value) {
      attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds a further secret value, replacing one of the same name.
     *
     * @param name the secret's name, e.g. {@code oauth_token_secret}; not null
     * @param value the non-empty secret value
     * @return this builder
     */
    public Builder secret(String name, String value) {
      secrets.put(Objects.requireNonNull(name, "name"), Secret.of(value));
      return this;
    }

    /**
     * The credentials.
     *
     * @return new immutable credentials holding the values set so far
     */
    public Credentials build() {
      return new Credentials(
          scheme,
          Optional.ofNullable(accessToken),
          Optional.ofNullable(refreshToken),
          Optional.ofNullable(expiresAt),
          scopes,
          attributes,
          secrets);
    }
  }
}

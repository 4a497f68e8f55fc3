package dev.tether.spi;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine hands a provider to exchange a successful callback for credentials.
 *
 * <p>The engine has already checked the state and that no {@code error} was returned; it calls
 * {@link ToolkitProvider#exchange} at most once per state. {@link #toString()} shows no secret.
 *
 * @param toolkit the toolkit slug
 * @param userId the end user's id
 * @param parameters the callback's query parameters (e.g. {@code code}); secret, never printed
 * @param redirectUri the redirect URI sent with the authorization request, to repeat verbatim
 * @param codeVerifier the PKCE verifier matching the challenge of the authorization request
 * @param flowState the private values the provider returned in its {@link AuthorizationLink}
 * @param now the engine clock's time, for computing expiry instants
 */
public record ExchangeRequest(
    String toolkit,
    String userId,
    Map<String, String> parameters,
    URI redirectUri,
    Secret codeVerifier,
    Map<String, String> flowState,
    Instant now) {

  /**
   * Validates every component and copies the maps.
   *
   * @param toolkit the toolkit slug; must be {@linkplain Slugs#isValid valid}
   * @param userId the end user's id; not null
   * @param parameters the callback's query parameters, copied
   * @param redirectUri the redirect URI of the authorization request; not null
   * @param codeVerifier the PKCE verifier; not null
   * @param flowState the provider's private values from its {@link AuthorizationLink}, copied
   * @param now the engine clock's time; not null
   * @throws IllegalArgumentException when {@code toolkit} is not a valid slug
   * @throws NullPointerException when a component is null
   */
  public ExchangeRequest {
    Slugs.requireValid(toolkit);
    Objects.requireNonNull(userId, "userId");
    parameters = Map.copyOf(parameters);
    Objects.requireNonNull(redirectUri, "redirectUri");
    Objects.requireNonNull(codeVerifier, "codeVerifier");
    flowState = Map.copyOf(flowState);
    Objects.requireNonNull(now, "now");
  }

  /**
   * The callback parameter {@code name}, if present.
   *
   * @param name the parameter's name, e.g. {@code code}
   * @return its value (a secret: never log it), or empty when the callback did not carry it
   */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  @Override
  public String toString() {
    return "ExchangeRequest[toolkit=" + toolkit + ", userId=" + userId + ", parameters="
        + parameters.keySet() + ", redirectUri=" + redirectUri + "]";
  }
}

package dev.tether.spi;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine asks of a provider to build the link a user opens.
 *
 * <p>The engine has already drawn {@code state} and the PKCE pair; the provider puts them in the
 * URL (a provider whose upstream rejects PKCE may leave the challenge out). {@link #toString()}
 * never shows the state.
 *
 * @param toolkit the toolkit slug
 * @param userId the end user's id in the host application
 * @param state the single-use CSRF state to send (at least 256 bits, URL-safe)
 * @param codeChallenge the PKCE S256 challenge, base64url without padding
 * @param redirectUri where the upstream must send the user back (the host's callback endpoint)
 * @param scopes extra scopes requested for this link; empty means the provider's defaults
 * @param connectionFields per-connection values collected before the redirect (e.g. a subdomain)
 * @param now the engine clock's time when the request was made
 */
public record AuthorizationRequest(
    String toolkit,
    String userId,
    Secret state,
    String codeChallenge,
    URI redirectUri,
    List<String> scopes,
    Map<String, String> connectionFields,
    Instant now) {

  /** The only PKCE method Tether uses. */
  public static final String CODE_CHALLENGE_METHOD = "S256";

  /**
   * Validates every component and copies the collections.
   *
   * @param toolkit the toolkit slug; must be {@linkplain Slugs#isValid valid}
   * @param userId the end user's id in the host application; not null
   * @param state the single-use CSRF state to send; not null
   * @param codeChallenge the PKCE S256 challenge; not null
   * @param redirectUri where the upstream must send the user back; not null
   * @param scopes extra scopes for this link, copied; empty for the provider's defaults
   * @param connectionFields per-connection values collected before the redirect, copied
   * @param now the engine clock's time; not null
   * @throws IllegalArgumentException when {@code toolkit} is not a valid slug
   * @throws NullPointerException when a component is null
   */
  public AuthorizationRequest {
    Slugs.requireValid(toolkit);
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(codeChallenge, "codeChallenge");
    Objects.requireNonNull(redirectUri, "redirectUri");
    scopes = List.copyOf(scopes);
    connectionFields = Map.copyOf(connectionFields);
    Objects.requireNonNull(now, "now");
  }

  @Override
  public String toString() {
    return "AuthorizationRequest[toolkit=" + toolkit + ", userId=" + userId
        + ", redirectUri=" + redirectUri + ", scopes=" + scopes + "]";
  }
}

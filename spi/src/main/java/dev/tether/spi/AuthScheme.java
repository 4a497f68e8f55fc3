package dev.tether.spi;

/** How a toolkit authenticates its users. */
public enum AuthScheme {
  /** OAuth 2.0 authorization code flow (with PKCE unless the upstream rejects it). */
  OAUTH2,
  /** OAuth 1.0a three-legged flow. */
  OAUTH1,
  /** An API key the user pastes into a connect-link form. */
  API_KEY,
  /** A bearer token the user pastes into a connect-link form. */
  BEARER,
  /** A user name and password sent as HTTP Basic. */
  BASIC,
  /** A public toolkit that needs no credentials; always reported active. */
  NONE
}

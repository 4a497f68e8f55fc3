/**
 * OAuth 2.0 authorization-code providers.
 *
 * <ul>
 *   <li>{@link dev.tether.providers.oauth2.OAuth2Catalog} — the bundled catalog of real toolkits,
 *       discovered by ServiceLoader, clients from {@code TETHER_<FAMILY>_CLIENT_ID/SECRET};
 *   <li>{@link dev.tether.providers.oauth2.OAuth2Toolkit} — one OAuth 2.0 toolkit configured in
 *       code: authorization URL with PKCE S256, code exchange and refresh at the token endpoint.
 * </ul>
 */
package dev.tether.providers.oauth2;

/**
 * OAuth 1.0a (RFC 5849, HMAC-SHA1) providers.
 *
 * <ul>
 *   <li>{@link dev.tether.providers.oauth1.OAuth1Catalog} — the bundled ones (Trello), discovered
 *       by ServiceLoader, consumer key and secret from {@code TETHER_TRELLO_CLIENT_ID/SECRET};
 *   <li>{@link dev.tether.providers.oauth1.OAuth1Toolkit} — one OAuth 1.0a toolkit configured in
 *       code: temporary credentials, authorization redirect, token credentials on callback.
 * </ul>
 */
package dev.tether.providers.oauth1;

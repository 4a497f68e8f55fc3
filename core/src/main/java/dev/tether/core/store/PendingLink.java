package dev.tether.core.store;

/**
 * How a {@link StoredAccount} keeps its pending link: the compact form of {@link StoredAccount.Link}.
 * In an account it also holds what the account becomes when the link dies ({@link
 * StoredAccount#withLinkExpired()}), built with it. A builder's copy may hold none, or the form of
 * the account it was copied from: an account's constructor always builds its own. Immutable.
 */
final class PendingLink {
  final String id;
  /** Epoch nanoseconds. */
  final long expiresAt;
  /** May carry the state: never log it. */
  final String redirectUrl;
  final StoredAccount expired;

  PendingLink(String id, long expiresAt, String redirectUrl, StoredAccount expired) {
    this.id = id;
    this.expiresAt = expiresAt;
    this.redirectUrl = redirectUrl;
    this.expired = expired;
  }
}

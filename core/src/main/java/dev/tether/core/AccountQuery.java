package dev.tether.core;

import dev.tether.spi.Slugs;
import java.util.Objects;
import java.util.Optional;

/**
 * Filters {@link Tether#accounts(AccountQuery)}; every absent filter matches all.
 *
 * @param userId only this user's accounts
 * @param toolkit only this toolkit's accounts
 * @param status only accounts in this status
 */
public record AccountQuery(Optional<String> userId, Optional<String> toolkit, Optional<ConnectionStatus> status) {
  /**
   * Checks that no component is null and normalises the toolkit slug.
   *
   * @param userId the user to match, or empty for every user
   * @param toolkit the toolkit slug to match (trimmed and lower-cased), or empty for every toolkit
   * @param status the status to match, or empty for every status
   */
  public AccountQuery {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(toolkit, "toolkit");
    Objects.requireNonNull(status, "status");
    toolkit = toolkit.map(Slugs::normalize);
  }

  /**
   * Every account.
   *
   * @return a query with no filter
   */
  public static AccountQuery all() {
    return new AccountQuery(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Every account of one user.
   *
   * @param userId the end user's id; not null
   * @return a query matching that user's accounts
   */
  public static AccountQuery ofUser(String userId) {
    return new AccountQuery(Optional.of(userId), Optional.empty(), Optional.empty());
  }

  /**
   * This query narrowed to one toolkit.
   *
   * @param slug the toolkit's slug, as typed (it is normalised); not null
   * @return a new query; this one is unchanged
   */
  public AccountQuery withToolkit(String slug) {
    return new AccountQuery(userId, Optional.of(slug), status);
  }

  /**
   * This query narrowed to one status.
   *
   * @param wanted the status to match; not null
   * @return a new query; this one is unchanged
   */
  public AccountQuery withStatus(ConnectionStatus wanted) {
    return new AccountQuery(userId, toolkit, Optional.of(wanted));
  }

  boolean matches(dev.tether.core.store.StoredAccount r) {
    return userId.map(r.userId()::equals).orElse(true)
        && toolkit.map(r.toolkit()::equals).orElse(true)
        && status.map(s -> r.status() == s).orElse(true);
  }
}

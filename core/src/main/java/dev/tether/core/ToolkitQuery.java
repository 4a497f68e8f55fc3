package dev.tether.core;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Filters and pages {@link Session#toolkits(ToolkitQuery)}. Toolkits are ordered by slug.
 *
 * @param connectedOnly only toolkits with an ACTIVE account for the session
 * @param search case-insensitive text matched against slug and name
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 * @param cursor the {@link ToolkitPage#nextCursor()} of the previous page
 */
public record ToolkitQuery(boolean connectedOnly, Optional<String> search, int limit, Optional<String> cursor) {
  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  private static final ToolkitQuery ALL = new ToolkitQuery(false, Optional.empty(), MAX_LIMIT, Optional.empty());

  /**
   * Validates the limit and normalises the search text.
   *
   * @param connectedOnly only toolkits with an ACTIVE account for the session
   * @param search text to match (trimmed and lower-cased; blank means none); not null
   * @param limit the page size, 1 to {@value #MAX_LIMIT}
   * @param cursor the previous page's cursor, or empty for the first page; not null
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  public ToolkitQuery {
    Objects.requireNonNull(search, "search");
    Objects.requireNonNull(cursor, "cursor");
    search = search.map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  /**
   * Every toolkit of the session, first page of {@value #MAX_LIMIT}.
   *
   * @return the shared unfiltered query
   */
  public static ToolkitQuery all() {
    return ALL;
  }

  /**
   * Starts a builder (everything, {@value #MAX_LIMIT} a page).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ToolkitQuery}. Not thread-safe. */
  public static final class Builder {
    private boolean connectedOnly;
    private String search;
    private int limit = MAX_LIMIT;
    private String cursor;

    private Builder() {}

    /**
     * Only toolkits with an ACTIVE account.
     *
     * @param value true to leave out toolkits the session has no ACTIVE account for
     * @return this builder
     */
    public Builder connectedOnly(boolean value) {
      this.connectedOnly = value;
      return this;
    }

    /**
     * Text to match against slug and name.
     *
     * @param text matched case-insensitively as a substring; not null
     * @return this builder
     */
    public Builder search(String text) {
      this.search = Objects.requireNonNull(text, "search");
      return this;
    }

    /**
     * Page size.
     *
     * @param size 1 to {@value ToolkitQuery#MAX_LIMIT} (checked by {@link #build()})
     * @return this builder
     */
    public Builder limit(int size) {
      this.limit = size;
      return this;
    }

    /**
     * Continue after a previous page.
     *
     * @param nextCursor the {@link ToolkitPage#nextCursor()} of that page; not null
     * @return this builder
     */
    public Builder cursor(String nextCursor) {
      this.cursor = Objects.requireNonNull(nextCursor, "cursor");
      return this;
    }

    /**
     * The query.
     *
     * @return a new immutable query
     * @throws IllegalArgumentException if the limit is out of range
     */
    public ToolkitQuery build() {
      return new ToolkitQuery(connectedOnly, Optional.ofNullable(search), limit, Optional.ofNullable(cursor));
    }
  }
}

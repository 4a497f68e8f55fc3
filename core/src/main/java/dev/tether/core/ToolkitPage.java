package dev.tether.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of toolkits.
 *
 * @param items the toolkits on this page, ordered by slug
 * @param nextCursor pass to {@link ToolkitQuery.Builder#cursor} for the next page; empty on the last
 */
public record ToolkitPage(List<ToolkitInfo> items, Optional<String> nextCursor) {
  /**
   * Copies the list.
   *
   * @param items the toolkits on this page, copied
   * @param nextCursor the cursor of the next page, or empty on the last; not null
   */
  public ToolkitPage {
    items = List.copyOf(items);
    Objects.requireNonNull(nextCursor, "nextCursor");
  }
}

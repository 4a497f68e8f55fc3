package dev.tether.spi;

import java.util.Objects;

/**
 * What a provider says about one toolkit it serves.
 *
 * @param slug the toolkit's lower-case slug, e.g. {@code gmail}
 * @param name the display name, e.g. {@code Gmail}
 * @param authScheme how users authenticate; {@link AuthScheme#NONE} for public toolkits
 */
public record ToolkitDescriptor(String slug, String name, AuthScheme authScheme) {
  /** Validates every component. */
  public ToolkitDescriptor {
    Slugs.requireValid(slug);
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' needs a non-blank display name");
    }
    Objects.requireNonNull(authScheme, "authScheme");
  }

  /** Whether the toolkit needs no authentication at all. */
  public boolean isNoAuth() {
    return authScheme == AuthScheme.NONE;
  }
}

package dev.tether.spi;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a provider says about one toolkit it serves.
 *
 * @param slug the toolkit's lower-case slug, e.g. {@code gmail}
 * @param name the display name, e.g. {@code Gmail}
 * @param authScheme how users authenticate; {@link AuthScheme#NONE} for public toolkits
 * @param fields what the connect-link form collects first: the credentials of an API-key, bearer
 *     or basic toolkit, or per-connection values an OAuth toolkit needs before its redirect;
 *     empty when the link goes straight to the provider
 */
public record ToolkitDescriptor(String slug, String name, AuthScheme authScheme, List<ConnectionField> fields) {
  /**
   * Validates every component and copies the fields.
   *
   * @param slug the toolkit's slug; must be {@linkplain Slugs#isValid valid}
   * @param name the display name; not blank
   * @param authScheme how users authenticate; not null
   * @param fields what the connect-link form collects, copied; names unique, empty for
   *     {@link AuthScheme#NONE} and non-empty for a {@linkplain #isFormBased() form-based} scheme
   * @throws IllegalArgumentException naming the toolkit and the broken rule
   */
  public ToolkitDescriptor {
    Slugs.requireValid(slug);
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' needs a non-blank display name");
    }
    Objects.requireNonNull(authScheme, "authScheme");
    fields = List.copyOf(fields);
    Set<String> names = new HashSet<>();
    for (ConnectionField f : fields) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("Toolkit '" + slug + "' lists field '" + f.name() + "' twice");
      }
    }
    if (authScheme == AuthScheme.NONE && !fields.isEmpty()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' needs no auth and so cannot have fields");
    }
    if (isFormBased(authScheme) && fields.isEmpty()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' uses " + authScheme
          + " and must list the fields its form collects");
    }
  }

  /**
   * A toolkit whose link goes straight to the provider (no form fields).
   *
   * @param slug the toolkit's slug; must be {@linkplain Slugs#isValid valid}
   * @param name the display name; not blank
   * @param authScheme how users authenticate; not a form-based scheme, which needs fields
   * @throws IllegalArgumentException naming the toolkit and the broken rule
   */
  public ToolkitDescriptor(String slug, String name, AuthScheme authScheme) {
    this(slug, name, authScheme, List.of());
  }

  /**
   * Whether the toolkit needs no authentication at all.
   *
   * @return true when {@link #authScheme()} is {@link AuthScheme#NONE}
   */
  public boolean isNoAuth() {
    return authScheme == AuthScheme.NONE;
  }

  /**
   * Whether the user types the credentials themselves (API key, bearer, basic).
   *
   * @return true for {@link AuthScheme#API_KEY}, {@link AuthScheme#BEARER} and
   *     {@link AuthScheme#BASIC}
   */
  public boolean isFormBased() {
    return isFormBased(authScheme);
  }

  private static boolean isFormBased(AuthScheme scheme) {
    return scheme == AuthScheme.API_KEY || scheme == AuthScheme.BEARER || scheme == AuthScheme.BASIC;
  }
}

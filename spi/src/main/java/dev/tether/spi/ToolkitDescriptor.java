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
 * @param description one line saying what the toolkit is for, for agents that search toolkits by
 *     use case (e.g. "Read, send and organise email in a Gmail inbox"); may be empty
 * @param categories what kind of app it is, lower case (e.g. {@code email}, {@code calendar},
 *     {@code code}, {@code chat}, {@code docs}, {@code search}, {@code crm}); may be empty
 */
public record ToolkitDescriptor(String slug, String name, AuthScheme authScheme, List<ConnectionField> fields,
    String description, List<String> categories) {
  /** The longest description a toolkit may have: one line for an agent to read. */
  public static final int MAX_DESCRIPTION_LENGTH = 300;
  /**
   * Validates every component and copies the fields.
   *
   * @param slug the toolkit's slug; must be {@linkplain Slugs#isValid valid}
   * @param name the display name; not blank
   * @param authScheme how users authenticate; not null
   * @param fields what the connect-link form collects, copied; names unique, empty for
   *     {@link AuthScheme#NONE} and non-empty for a {@linkplain #isFormBased() form-based} scheme
   * @param description one line, at most {@value #MAX_DESCRIPTION_LENGTH} characters; not null
   * @param categories lower-case {@code [a-z0-9_]+} words, copied; not null
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
    Objects.requireNonNull(description, "description");
    if (description.length() > MAX_DESCRIPTION_LENGTH || description.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' needs a one-line description of at most "
          + MAX_DESCRIPTION_LENGTH + " characters");
    }
    categories = List.copyOf(categories);
    for (String c : categories) {
      if (!Slugs.isValid(c)) {
        throw new IllegalArgumentException("Toolkit '" + slug + "' has category '" + c
            + "'; categories are lower case a-z, 0-9 and '_'");
      }
    }
  }

  /**
   * A toolkit without a description or categories.
   *
   * @param slug the toolkit's slug; must be {@linkplain Slugs#isValid valid}
   * @param name the display name; not blank
   * @param authScheme how users authenticate; not null
   * @param fields what the connect-link form collects
   * @throws IllegalArgumentException naming the toolkit and the broken rule
   */
  public ToolkitDescriptor(String slug, String name, AuthScheme authScheme, List<ConnectionField> fields) {
    this(slug, name, authScheme, fields, "", List.of());
  }

  /**
   * The same toolkit with a description and categories, for agents that search by use case.
   *
   * @param newDescription one line saying what the toolkit is for
   * @param newCategories what kind of app it is, e.g. {@code email}
   * @return a copy
   * @throws IllegalArgumentException if the description or a category breaks the rules above
   */
  public ToolkitDescriptor describedAs(String newDescription, String... newCategories) {
    return new ToolkitDescriptor(slug, name, authScheme, fields, newDescription, List.of(newCategories));
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
    this(slug, name, authScheme, List.of(), "", List.of());
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

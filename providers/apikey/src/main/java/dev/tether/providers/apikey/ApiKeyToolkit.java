package dev.tether.providers.apikey;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.spi.Urls;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A toolkit whose users type an API key (or a bearer token, or a user name and password) into the
 * connect-link form. The resulting credentials say how the key is sent, in attributes:
 * {@code placement} ({@code header}, {@code query}, {@code bearer} or {@code basic}), {@code name}
 * (the header or query parameter) and, when known, {@code check_url} (an endpoint a host may call
 * to verify the key; Tether itself makes no network call when a key is submitted).
 *
 * <pre>{@code
 * ToolkitProvider exa = ApiKeyToolkit.builder("exa").name("Exa").header("x-api-key")
 *     .checkUrl(URI.create("https://api.exa.ai"))
 *     .description("Search the web with Exa").categories("search", "web").build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; no I/O at all.
 */
public final class ApiKeyToolkit implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** Field name of the key (API-key and bearer toolkits). */
  public static final String API_KEY = "api_key";
  /** Field names of Basic toolkits. */
  public static final String USERNAME = "username";
  /** Field names of Basic toolkits. */
  public static final String PASSWORD = "password";

  static final int MIN_KEY_LENGTH = 8;
  static final int MAX_KEY_LENGTH = 1024;

  private final ToolkitDescriptor descriptor;
  private final String placement;
  private final String parameter;
  private final String prefix;
  private final URI checkUrl;

  private ApiKeyToolkit(Builder b) {
    String name = b.name == null ? b.slug : b.name;
    AuthScheme scheme = switch (b.placement) {
      case "bearer" -> AuthScheme.BEARER;
      case "basic" -> AuthScheme.BASIC;
      default -> AuthScheme.API_KEY;
    };
    List<ConnectionField> fields = scheme == AuthScheme.BASIC
        ? List.of(ConnectionField.plain(USERNAME, name + " user name"), ConnectionField.secret(PASSWORD, name + " password"))
        : List.of(ConnectionField.secret(API_KEY, name + (scheme == AuthScheme.BEARER ? " token" : " API key")));
    this.descriptor = new ToolkitDescriptor(b.slug, name, scheme, fields, b.description == null ? "" : b.description,
        b.categories == null ? List.of() : b.categories);
    this.placement = b.placement;
    this.parameter = b.parameter;
    this.prefix = b.prefix;
    this.checkUrl = b.checkUrl;
  }

  /**
   * Starts a builder for the toolkit {@code slug} (normalised: trimmed, lower-cased).
   *
   * @param slug the toolkit's slug, e.g. {@code exa}
   * @return a new builder
   * @throws IllegalArgumentException if the normalised slug is malformed
   */
  public static Builder builder(String slug) {
    return new Builder(Slugs.requireValid(Slugs.normalize(slug)));
  }

  /**
   * The toolkit this provider serves.
   *
   * @return the descriptor, with the form fields its scheme collects
   */
  public ToolkitDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return List.of(descriptor);
  }

  /**
   * Checks the typed values (present, no whitespace, a plausible length, the expected prefix) and
   * returns them as credentials. Messages name the field, never its value.
   */
  @Override
  public Credentials connect(ConnectRequest request) {
    Credentials.Builder out = Credentials.builder(descriptor.authScheme()).attribute("placement", placement);
    if (parameter != null) {
      out.attribute("name", parameter);
    }
    if (checkUrl != null) {
      out.attribute("check_url", checkUrl.toString());
    }
    if (descriptor.authScheme() == AuthScheme.BASIC) {
      String user = required(request, USERNAME);
      String password = required(request, PASSWORD);
      return out.attribute(USERNAME, user).accessToken(password).build();
    }
    String key = required(request, API_KEY);
    if (key.length() < MIN_KEY_LENGTH || key.length() > MAX_KEY_LENGTH || key.chars().anyMatch(Character::isWhitespace)) {
      throw ProviderException.definitive("invalid_api_key", "The " + descriptor.name() + " key (" + API_KEY
          + ") must be " + MIN_KEY_LENGTH + " to " + MAX_KEY_LENGTH + " characters without spaces");
    }
    if (prefix != null && !key.startsWith(prefix)) {
      throw ProviderException.definitive("invalid_api_key", "The " + descriptor.name() + " key (" + API_KEY
          + ") must start with '" + prefix + "'");
    }
    return out.accessToken(key).build();
  }

  private String required(ConnectRequest request, String field) {
    String v = request.fields().get(field);
    if (v == null || v.isBlank()) {
      throw ProviderException.definitive("missing_field", descriptor.name() + ": " + field + " is required");
    }
    return v.strip();
  }

  /** API-key toolkits have no redirect: their connect link is a form. */
  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    throw ProviderException.definitive("form_only", "Toolkit '" + descriptor.slug()
        + "' is connected through its connect-link form, not a redirect");
  }

  /** API-key toolkits have no callback. */
  @Override
  public Credentials exchange(ExchangeRequest request) {
    throw ProviderException.definitive("form_only", "Toolkit '" + descriptor.slug() + "' has no callback");
  }

  @Override
  public String toString() {
    return "ApiKeyToolkit[" + descriptor.slug() + ", " + placement + (parameter == null ? "" : " " + parameter) + "]";
  }

  /** Builds an {@link ApiKeyToolkit}. Not thread-safe. */
  public static final class Builder {
    private final String slug;
    private String name;
    private String placement;
    private String parameter;
    private String prefix;
    private URI checkUrl;
    private String description;
    private List<String> categories;

    private Builder(String slug) {
      this.slug = slug;
    }

    /**
     * The display name (default: the slug).
     *
     * @param name e.g. {@code Exa}; also used in the form fields' labels; not null
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * One line saying what users do with the toolkit, for agents that search toolkits by use case
     * (default: none).
     *
     * @param description e.g. {@code Search the web with Exa}; one line of at most
     *     {@value ToolkitDescriptor#MAX_DESCRIPTION_LENGTH} characters
     * @return this builder
     * @throws IllegalArgumentException if {@code description} is longer or spans lines
     * @throws IllegalStateException if the description was already set
     */
    public Builder description(String description) {
      if (this.description != null) {
        throw new IllegalStateException("description was already set for ApiKeyToolkit '" + slug + "'");
      }
      this.description = describe(Objects.requireNonNull(description, "description"), List.of()).description();
      return this;
    }

    /**
     * What kind of app the toolkit is, from the {@link dev.tether.spi.Categories} vocabulary
     * (default: none).
     *
     * @param categories e.g. {@code search}; lower case {@code [a-z0-9_]+}
     * @return this builder
     * @throws IllegalArgumentException if a category is malformed
     * @throws IllegalStateException if the categories were already set
     */
    public Builder categories(String... categories) {
      if (this.categories != null) {
        throw new IllegalStateException("categories were already set for ApiKeyToolkit '" + slug + "'");
      }
      this.categories = describe("", List.of(categories)).categories();
      return this;
    }

    /** The descriptor's own rules, checked when a setting is made rather than at build(). */
    private ToolkitDescriptor describe(String text, List<String> words) {
      return new ToolkitDescriptor(slug, slug, AuthScheme.NONE).describedAs(text, words.toArray(String[]::new));
    }

    /**
     * The key is sent in this HTTP header, e.g. {@code x-api-key}.
     *
     * @param headerName the header's name; not null
     * @return this builder
     * @throws IllegalStateException if how the key is sent was already set
     */
    public Builder header(String headerName) {
      return place("header", Objects.requireNonNull(headerName, "headerName"));
    }

    /**
     * The key is sent as this query parameter, e.g. {@code api_key}.
     *
     * @param parameterName the parameter's name; not null
     * @return this builder
     * @throws IllegalStateException if how the key is sent was already set
     */
    public Builder queryParameter(String parameterName) {
      return place("query", Objects.requireNonNull(parameterName, "parameterName"));
    }

    /**
     * The key is sent as {@code Authorization: Bearer …}.
     *
     * @return this builder
     * @throws IllegalStateException if how the key is sent was already set
     */
    public Builder bearer() {
      return place("bearer", null);
    }

    /**
     * A user name and password sent as HTTP Basic.
     *
     * @return this builder
     * @throws IllegalStateException if how the key is sent was already set
     */
    public Builder basic() {
      return place("basic", null);
    }

    /**
     * Keys must start with this, e.g. {@code sk-}.
     *
     * @param required the prefix a submitted key must have; not null
     * @return this builder
     */
    public Builder prefix(String required) {
      this.prefix = Objects.requireNonNull(required, "prefix");
      return this;
    }

    /**
     * An endpoint a host may call to verify a key.
     *
     * @param url the endpoint: absolute http(s) with a host, no user-info
     * @return this builder
     * @throws IllegalArgumentException if {@code url} is not such an endpoint
     */
    public Builder checkUrl(URI url) {
      this.checkUrl = Urls.requireHttpEndpoint(url, "checkUrl");
      return this;
    }

    private Builder place(String how, String name) {
      if (placement != null) {
        throw new IllegalStateException("How the '" + slug + "' key is sent was already set to " + placement);
      }
      this.placement = how;
      this.parameter = name;
      return this;
    }

    /**
     * The provider.
     *
     * @return a new immutable provider for this one toolkit
     * @throws IllegalStateException if how the key is sent was not set
     */
    public ApiKeyToolkit build() {
      if (placement == null) {
        throw new IllegalStateException("ApiKeyToolkit '" + slug
            + "' needs header(...), queryParameter(...), bearer() or basic()");
      }
      return new ApiKeyToolkit(this);
    }
  }
}

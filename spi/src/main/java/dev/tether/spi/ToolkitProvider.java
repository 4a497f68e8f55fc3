package dev.tether.spi;

import java.util.List;
import java.util.Optional;

/**
 * A plugin that serves one or more toolkits: builds authorization links, exchanges callbacks for
 * credentials and refreshes them.
 *
 * <p>Register an implementation with {@code provides dev.tether.spi.ToolkitProvider with ...} in
 * {@code module-info.java} <em>and</em> a {@code META-INF/services/dev.tether.spi.ToolkitProvider}
 * entry, so the engine finds it on the module path and on the class path; or hand an instance to
 * the engine's builder.
 *
 * <p>A provider must guarantee:
 *
 * <ul>
 *   <li><b>Thread-safety.</b> Every method may be called from many threads at once, for the same
 *       or different users.
 *   <li><b>No I/O in constructors.</b> A discovered provider is instantiated while the engine is
 *       built; read configuration lazily and report what is missing when a link is requested.
 *   <li><b>No secrets in output.</b> Tokens, codes, verifiers, client secrets and state never
 *       appear in exception messages, log records or {@code toString()}.
 *   <li><b>Classified failures.</b> Every failure is a {@link ProviderException} that says whether
 *       it is definitive; anything else thrown (an {@code Error} such as an {@code AssertionError}
 *       or a stack overflow too) is treated as a definitive provider bug. Only the JVM's own
 *       failures, such as {@code OutOfMemoryError}, pass through.
 *   <li><b>Stable toolkits.</b> {@link #toolkits()} returns the same list on every call.
 * </ul>
 */
public interface ToolkitProvider {
  /**
   * The SPI version this interface describes; the engine rejects providers built for a newer one.
   * Version 2 added {@link #requiresIssuer(String)} and made {@link #spiVersion()} abstract.
   */
  int SPI_VERSION = 2;

  /**
   * The SPI version the provider was compiled against. Implement it as {@code return SPI_VERSION;}:
   * the compiler copies the constant's value into the provider's own class file, so the engine
   * learns the version the provider was built for, not the version of the {@code tether-spi} jar
   * it happens to run with (the way SLF4J's {@code getRequestedApiVersion()} works).
   *
   * @return {@link #SPI_VERSION} as the provider's compiler saw it
   */
  int spiVersion();

  /**
   * The toolkits this provider serves. Slugs must be unique within the provider.
   *
   * @return the same non-null list on every call
   */
  List<ToolkitDescriptor> toolkits();

  /**
   * Builds the authorization link for one user and toolkit.
   *
   * @param request the toolkit, user, state, PKCE challenge and redirect URI to put in the link
   * @return the URL to send the user to, with any private flow state; not null
   * @throws ProviderException when no link can be built, e.g. no OAuth client is configured (the
   *     message names the setting to provide)
   */
  AuthorizationLink authorize(AuthorizationRequest request);

  /**
   * Exchanges a successful callback (e.g. an authorization {@code code}) for credentials.
   *
   * @param request the callback's parameters with what the engine kept from the authorization
   * @return the new account's credentials; not null
   * @throws ProviderException definitive when the upstream rejected the grant, transient when it
   *     could not be reached or answered with a server error
   */
  Credentials exchange(ExchangeRequest request);

  /**
   * Refreshes credentials whose access token is about to expire. The returned credentials keep
   * the old refresh token when the upstream did not send a new one.
   *
   * <p>The default refuses definitively with {@code refresh_unsupported}.
   *
   * @param request the account's current credentials
   * @return the refreshed credentials; not null
   * @throws ProviderException definitive when the refresh grant is dead ({@code invalid_grant},
   *     revoked, no refresh token), transient when a retry may succeed
   */
  default Credentials refresh(RefreshRequest request) {
    throw ProviderException.definitive(
        "refresh_unsupported", "Toolkit '" + request.toolkit() + "' does not support token refresh");
  }

  /**
   * Turns credentials the user typed into a connect-link form (or the host passed to
   * {@code session.connect}) into {@link Credentials}, for toolkits whose descriptor is
   * {@linkplain ToolkitDescriptor#isFormBased() form-based}.
   *
   * <p>The default refuses definitively with {@code connect_unsupported}.
   *
   * @param request the submitted fields, every required one present
   * @return the account's credentials; not null
   * @throws ProviderException definitive when the values are malformed (the message says which
   *     field and why, never its value)
   */
  default Credentials connect(ConnectRequest request) {
    throw ProviderException.definitive("connect_unsupported",
        "Toolkit '" + request.toolkit() + "' does not accept typed credentials");
  }

  /**
   * The name of the callback parameter that carries the grant for {@code toolkit}: {@code code}
   * for OAuth 2.0 (the default), {@code oauth_verifier} for OAuth 1.0a. A callback with neither
   * it nor {@code error} is refused before the provider is called.
   *
   * @param toolkit the slug of one of this provider's toolkits
   * @return the parameter's name; not null
   */
  default String grantParameter(String toolkit) {
    return "code";
  }

  /**
   * The authorization server's issuer identifier for {@code toolkit}, when known. When present,
   * a callback carrying an {@code iss} parameter must match it (RFC 9207).
   *
   * @param toolkit the slug of one of this provider's toolkits
   * @return the issuer, or empty (the default) when the provider does not know it
   */
  default Optional<String> issuer(String toolkit) {
    return Optional.empty();
  }

  /**
   * Whether a callback for {@code toolkit} must carry {@code iss} (RFC 9207 §2.4): true only for an
   * upstream that always sends it, so that a callback without it is refused ({@code
   * missing_issuer}) instead of trusted. Meaningful only with an {@link #issuer(String)}.
   *
   * @param toolkit a slug this provider serves
   * @return false by default
   */
  default boolean requiresIssuer(String toolkit) {
    return false;
  }
}

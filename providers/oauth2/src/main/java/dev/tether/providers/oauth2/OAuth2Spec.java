package dev.tether.providers.oauth2;

import dev.tether.spi.ConnectionField;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything that distinguishes one OAuth 2.0 toolkit from another, as data: endpoints (with
 * {@code {field}} placeholders filled from per-connection values), scopes, PKCE, client
 * authentication, request and response shapes, and what the toolkit is for (description and
 * categories, for search by use case). Built by {@link OAuth2Toolkit.Builder} or read from
 * the bundled catalog. Immutable.
 */
record OAuth2Spec(
    String slug,
    String name,
    String family,
    String authorizationUrl,
    String tokenUrl,
    List<String> scopes,
    String scopeSeparator,
    String scopeParameter,
    boolean pkce,
    boolean basicAuth,
    boolean jsonBody,
    Map<String, String> authorizationParameters,
    Map<String, String> tokenHeaders,
    Optional<String> tokenPath,
    Optional<String> okField,
    Duration defaultTokenLifetime,
    List<ConnectionField> fields,
    Optional<String> issuer,
    boolean requireIssuer,
    List<String> keepAttributes,
    String description,
    List<String> categories) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9_]+)}");
  /** Values substituted into URLs are host labels or path segments: nothing that changes the URL's shape. */
  private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");

  OAuth2Spec {
    scopes = List.copyOf(scopes);
    if (scopes.contains("offline_access") && !authorizationParameters.containsKey("prompt")) {
      // OpenID Connect Core §11: without prompt=consent the server may ignore offline_access and
      // send no refresh token, and the account would die with its first access token.
      Map<String, String> withPrompt = new java.util.LinkedHashMap<>(authorizationParameters);
      withPrompt.put("prompt", "consent");
      authorizationParameters = withPrompt;
    }
    authorizationParameters = Map.copyOf(authorizationParameters);
    tokenHeaders = Map.copyOf(tokenHeaders);
    fields = List.copyOf(fields);
    keepAttributes = List.copyOf(keepAttributes);
    categories = List.copyOf(categories);
    if (requireIssuer && issuer.isEmpty()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' requires an issuer on callbacks but declares none");
    }
  }

  /** The placeholders used in either URL. */
  static List<String> placeholders(String template) {
    List<String> out = new java.util.ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /**
   * Fills {@code {field}} placeholders.
   *
   * @throws IllegalArgumentException naming the field when a value is missing or unsafe
   */
  static String fill(String template, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String field = m.group(1);
      String value = values.get(field);
      if (value == null) {
        throw new IllegalArgumentException(field + " is required to build this toolkit's URLs");
      }
      if (!SAFE_VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException(field + " must be letters, digits and '-' (at most 63), e.g. 'acme'");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}

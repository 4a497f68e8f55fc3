package dev.tether.providers.oauth2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.Urls;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates a catalog of OAuth 2.0 families and toolkits (JSON). Every problem is
 * collected with the path of the entry it concerns, so one run names all of them.
 *
 * <p>A toolkit may say what it is for: {@code description} (one line) and {@code categories}
 * (well-formed words). Both are optional, so a user's catalog may leave them out or use its own
 * words; that the bundled catalog describes every toolkit with words of
 * {@link dev.tether.spi.Categories} is checked by its tests, not here.
 */
final class CatalogReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FAMILY_KEYS = Set.of("authorization_url", "token_url", "scope_separator",
      "scope_parameter", "pkce", "client_authentication", "token_request", "authorization_parameters",
      "token_headers", "token_path", "ok_field", "default_token_lifetime", "default_scopes", "fields",
      "keep_attributes", "issuer", "require_issuer", "toolkits");
  private static final Set<String> TOOLKIT_KEYS = Set.of("name", "scopes", "authorization_parameters",
      "description", "categories");
  private static final Set<String> FIELD_KEYS = Set.of("name", "label", "secret");

  /** One family: its name and the specs of its toolkits. */
  record Family(String name, List<OAuth2Spec> toolkits) {}

  private final List<String> problems = new ArrayList<>();

  private CatalogReader() {}

  /**
   * Parses {@code json}.
   *
   * @throws IllegalArgumentException listing every problem, each naming its entry
   */
  static List<Family> read(String json, String source) {
    CatalogReader reader = new CatalogReader();
    List<Family> families = reader.families(json);
    if (!reader.problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid OAuth 2.0 catalog " + source + ": "
          + String.join("; ", reader.problems));
    }
    return families;
  }

  private List<Family> families(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      problems.add("not valid JSON (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")");
      return List.of();
    }
    if (root == null || !root.isObject() || !root.path("families").isObject()) {
      problems.add("the top level must be an object with a 'families' object");
      return List.of();
    }
    if (root.path("catalog_version").asInt(-1) != 1) {
      problems.add("catalog_version must be 1");
    }
    List<Family> out = new ArrayList<>();
    Set<String> slugs = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("families").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Family family = family(e.getKey(), e.getValue());
      for (OAuth2Spec spec : family.toolkits()) {
        if (!slugs.add(spec.slug())) {
          problems.add("families." + family.name() + ".toolkits." + spec.slug() + ": slug is used by another family");
        }
      }
      out.add(family);
    }
    return out;
  }

  private Family family(String name, JsonNode f) {
    String at = "families." + name;
    if (!Slugs.isValid(name)) {
      problems.add(at + ": family names are lower case a-z, 0-9 and '_'");
    }
    if (!f.isObject()) {
      problems.add(at + ": must be an object");
      return new Family(name, List.of());
    }
    unknownKeys(at, f, FAMILY_KEYS);
    String authorizationUrl = url(at, f, "authorization_url");
    String tokenUrl = url(at, f, "token_url");
    String separator = text(at, f, "scope_separator", " ");
    String scopeParameter = text(at, f, "scope_parameter", "scope");
    boolean pkce = bool(at, f, "pkce", true);
    String clientAuth = oneOf(at, f, "client_authentication", "form", "basic");
    String request = oneOf(at, f, "token_request", "form", "json");
    Map<String, String> authParams = stringMap(at, f, "authorization_parameters");
    Map<String, String> headers = stringMap(at, f, "token_headers");
    Optional<String> tokenPath = Optional.ofNullable(text(at, f, "token_path", null));
    Optional<String> okField = Optional.ofNullable(text(at, f, "ok_field", null));
    Duration lifetime = duration(at, f, "default_token_lifetime", OAuth2Toolkit.DEFAULT_TOKEN_LIFETIME);
    List<String> defaultScopes = strings(at, f, "default_scopes");
    List<ConnectionField> fields = fields(at, f.get("fields"));
    List<String> keep = strings(at, f, "keep_attributes");
    Optional<String> issuer = Optional.ofNullable(text(at, f, "issuer", null));
    boolean requireIssuer = bool(at, f, "require_issuer", false);
    if (requireIssuer && issuer.isEmpty()) {
      problems.add(at + ".require_issuer: needs an issuer");
      requireIssuer = false;
    }
    Set<String> declared = new HashSet<>();
    fields.forEach(c -> declared.add(c.name()));
    Map<String, String> templates = new LinkedHashMap<>();
    templates.put("authorization_url", authorizationUrl);
    templates.put("token_url", tokenUrl);
    templates.forEach((key, template) -> {
      if (template != null) {
        for (String placeholder : OAuth2Spec.placeholders(template)) {
          if (!declared.contains(placeholder)) {
            problems.add(at + "." + key + ": URL placeholder {" + placeholder + "} is not a declared field");
          }
        }
      }
    });
    JsonNode toolkits = f.get("toolkits");
    if (toolkits == null || !toolkits.isObject() || toolkits.size() == 0) {
      problems.add(at + ".toolkits: must be an object with at least one toolkit");
      return new Family(name, List.of());
    }
    List<OAuth2Spec> specs = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = toolkits.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String tat = at + ".toolkits." + e.getKey();
      JsonNode t = e.getValue();
      if (!Slugs.isValid(e.getKey())) {
        problems.add(tat + ": toolkit slugs are lower case a-z, 0-9 and '_'");
        continue;
      }
      if (!t.isObject()) {
        problems.add(tat + ": must be an object");
        continue;
      }
      unknownKeys(tat, t, TOOLKIT_KEYS);
      String display = text(tat, t, "name", null);
      if (display == null || display.isBlank()) {
        problems.add(tat + ".name: a display name is required");
        display = e.getKey();
      }
      String description = text(tat, t, "description", "");
      if (description.length() > ToolkitDescriptor.MAX_DESCRIPTION_LENGTH || description.indexOf('\n') >= 0) {
        problems.add(tat + ".description: must be one line of at most " + ToolkitDescriptor.MAX_DESCRIPTION_LENGTH
            + " characters, got " + description.length());
        description = "";
      }
      List<String> categories = new ArrayList<>();
      for (String c : strings(tat, t, "categories")) {
        if (categories.contains(c)) {
          problems.add(tat + ".categories: '" + c + "' is listed twice");
        } else if (Slugs.isValid(c)) {
          categories.add(c);
        } else {
          problems.add(tat + ".categories: '" + Slugs.abbreviate(c) + "' is not lower case a-z, 0-9 and '_'");
        }
      }
      List<String> scopes = new ArrayList<>(defaultScopes);
      scopes.addAll(strings(tat, t, "scopes"));
      Map<String, String> params = new LinkedHashMap<>(authParams);
      params.putAll(stringMap(tat, t, "authorization_parameters"));
      if (authorizationUrl != null && tokenUrl != null) {
        specs.add(new OAuth2Spec(e.getKey(), display, name, authorizationUrl, tokenUrl, scopes, separator,
            scopeParameter, pkce, "basic".equals(clientAuth), "json".equals(request), params, headers, tokenPath,
            okField, lifetime, fields, issuer, requireIssuer, keep, description, categories));
      }
    }
    return new Family(name, specs);
  }

  private void unknownKeys(String at, JsonNode node, Set<String> known) {
    node.fieldNames().forEachRemaining(k -> {
      if (!known.contains(k)) {
        problems.add(at + "." + k + ": unknown setting (known: " + new java.util.TreeSet<>(known) + ")");
      }
    });
  }

  private String url(String at, JsonNode f, String key) {
    String value = text(at, f, key, null);
    if (value == null) {
      problems.add(at + "." + key + ": required");
      return null;
    }
    try {
      // A placeholder stands for a host label or path segment: check the URL with one in its place.
      Urls.requireHttpEndpoint(value.replaceAll("\\{[a-z0-9_]+}", "x"), "the URL");
    } catch (IllegalArgumentException e) {
      problems.add(at + "." + key + ": " + e.getMessage() + ", got '" + value + "'");
    }
    return value;
  }

  private String text(String at, JsonNode f, String key, String fallback) {
    JsonNode v = f.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      problems.add(at + "." + key + ": must be a string");
      return fallback;
    }
    return v.asText();
  }

  private boolean bool(String at, JsonNode f, String key, boolean fallback) {
    JsonNode v = f.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      problems.add(at + "." + key + ": must be true or false");
      return fallback;
    }
    return v.asBoolean();
  }

  private String oneOf(String at, JsonNode f, String key, String first, String second) {
    String v = text(at, f, key, first);
    if (!v.equals(first) && !v.equals(second)) {
      problems.add(at + "." + key + ": must be '" + first + "' or '" + second + "', got '" + v + "'");
      return first;
    }
    return v;
  }

  private Duration duration(String at, JsonNode f, String key, Duration fallback) {
    String v = text(at, f, key, null);
    if (v == null) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(v);
      if (d.isNegative() || d.isZero()) {
        problems.add(at + "." + key + ": must be positive, got " + v);
        return fallback;
      }
      return d;
    } catch (DateTimeParseException e) {
      problems.add(at + "." + key + ": must be an ISO-8601 duration such as PT1H or P365D, got '" + v + "'");
      return fallback;
    }
  }

  private List<String> strings(String at, JsonNode f, String key) {
    JsonNode v = f.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (!v.isArray()) {
      problems.add(at + "." + key + ": must be an array of strings");
      return out;
    }
    for (JsonNode item : v) {
      if (!item.isTextual() || item.asText().isBlank()) {
        problems.add(at + "." + key + ": must be an array of non-blank strings");
        return List.of();
      }
      out.add(item.asText());
    }
    return out;
  }

  private Map<String, String> stringMap(String at, JsonNode f, String key) {
    JsonNode v = f.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      problems.add(at + "." + key + ": must be an object of strings");
      return out;
    }
    v.fields().forEachRemaining(e -> {
      if (e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().asText());
      } else {
        problems.add(at + "." + key + "." + e.getKey() + ": must be a string");
      }
    });
    return out;
  }

  private List<ConnectionField> fields(String at, JsonNode v) {
    List<ConnectionField> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      problems.add(at + ".fields: must be an array of {name, label}");
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      String fat = at + ".fields[" + i + "]";
      JsonNode f = v.get(i);
      if (!f.isObject()) {
        problems.add(fat + ": must be an object");
        continue;
      }
      unknownKeys(fat, f, FIELD_KEYS);
      try {
        out.add(new ConnectionField(text(fat, f, "name", ""), text(fat, f, "label", ""),
            bool(fat, f, "secret", false), true));
      } catch (IllegalArgumentException e) {
        problems.add(fat + ": " + e.getMessage());
      }
    }
    return out;
  }
}

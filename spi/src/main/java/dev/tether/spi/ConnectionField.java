package dev.tether.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A value the user types into a connect-link form before a toolkit can connect: an API key, a
 * user name, or a per-connection setting such as a Zendesk subdomain that the authorization URL
 * needs.
 *
 * @param name the form field's name, lower case {@code [a-z0-9_]+} (e.g. {@code api_key})
 * @param label what the form shows (e.g. {@code Exa API key})
 * @param secret whether the value is a secret (never echoed, logged or stored outside credentials)
 * @param required whether the form may be submitted without it
 */
public record ConnectionField(String name, String label, boolean secret, boolean required) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,64}");

  /**
   * Validates the name and label.
   *
   * @param name the form field's name, 1 to 64 characters of {@code [a-z0-9_]}
   * @param label what the form shows; not blank
   * @param secret whether the value is a secret
   * @param required whether the form may be submitted without it
   * @throws IllegalArgumentException when the name is malformed or the label blank
   */
  public ConnectionField {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("Invalid connection field name '" + Slugs.abbreviate(name)
          + "': use 1 to 64 characters of a-z, 0-9 and '_'");
    }
    Objects.requireNonNull(label, "label");
    if (label.isBlank()) {
      throw new IllegalArgumentException("Connection field '" + name + "' needs a label");
    }
  }

  /**
   * A required secret field, e.g. an API key.
   *
   * @param name the form field's name, 1 to 64 characters of {@code [a-z0-9_]}
   * @param label what the form shows, e.g. {@code Exa API key}
   * @return a field that is {@linkplain #secret() secret} and {@linkplain #required() required}
   */
  public static ConnectionField secret(String name, String label) {
    return new ConnectionField(name, label, true, true);
  }

  /**
   * A required plain field, e.g. a subdomain.
   *
   * @param name the form field's name, 1 to 64 characters of {@code [a-z0-9_]}
   * @param label what the form shows, e.g. {@code Zendesk subdomain}
   * @return a field that is {@linkplain #required() required} and not secret
   */
  public static ConnectionField plain(String name, String label) {
    return new ConnectionField(name, label, false, true);
  }
}

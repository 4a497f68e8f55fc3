package dev.tether.pages;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response for the browser: a status code, headers and an HTML body, ready for any
 * framework to send as it stands. Immutable and thread-safe.
 *
 * <pre>{@code
 * // Spring MVC
 * ResponseEntity.status(page.status()).headers(h -> page.headers().forEach(h::set)).body(page.html());
 * // a JDK HttpServer
 * page.headers().forEach(exchange.getResponseHeaders()::set);
 * }</pre>
 *
 * @param status the HTTP status code, 100 to 599
 * @param headers the response headers by name (a page's include its {@code Content-Security-Policy})
 * @param html the body; empty for a redirect
 */
public record Page(int status, Map<String, String> headers, String html) {
  /** The header that carries a page's Content-Security-Policy. */
  public static final String CONTENT_SECURITY_POLICY = "Content-Security-Policy";

  /**
   * Validates the status and the headers and copies the headers, keeping their order.
   *
   * @param status the HTTP status code, 100 to 599
   * @param headers the response headers; names and values without line breaks, names distinct
   *     whatever their case
   * @param html the body; not null, empty for none
   * @throws IllegalArgumentException if the status is out of range, a header is malformed or a
   *     name is given twice
   */
  public Page {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100 to 599, got " + status);
    }
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(html, "html");
    Map<String, String> copy = new LinkedHashMap<>();
    Map<String, String> seen = new LinkedHashMap<>();
    headers.forEach((name, value) -> {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "value of header " + name);
      if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new IllegalArgumentException("Malformed header name '" + name.replaceAll("[^\\x20-\\x7e]", "?") + "'");
      }
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new IllegalArgumentException("The value of header " + name + " has a line break or NUL");
      }
      if (seen.put(name.toLowerCase(Locale.ROOT), name) != null) {
        throw new IllegalArgumentException("Header " + name + " is given twice");
      }
      copy.put(name, value);
    });
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * An HTML page with the headers every page sends: {@code Content-Type}, its
   * {@code Content-Security-Policy}, {@code Cache-Control: no-store} (pages about one person's
   * connection are never cached), {@code Referrer-Policy: no-referrer} (the page's URL holds a
   * link or callback parameters), {@code X-Content-Type-Options: nosniff} and
   * {@code X-Frame-Options: DENY} for browsers older than {@code frame-ancestors}.
   *
   * @param status the HTTP status code, 100 to 599
   * @param html the whole document; not null
   * @param contentSecurityPolicy the policy that allows exactly what {@code html} holds; not null
   * @return the page
   */
  public static Page html(int status, String html, String contentSecurityPolicy) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/html; charset=utf-8");
    headers.put(CONTENT_SECURITY_POLICY, Objects.requireNonNull(contentSecurityPolicy, "contentSecurityPolicy"));
    headers.put("Cache-Control", "no-store");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    return new Page(status, headers, html);
  }

  /**
   * A {@code 303 See Other} to {@code location}, with no body. The location may carry an OAuth
   * {@code state} (a provider's authorization URL): it goes to the browser in this header only, and
   * {@link #toString()} never shows it.
   *
   * @param location an absolute URL; not null
   * @return the redirect
   * @throws IllegalArgumentException if {@code location} is not absolute
   */
  public static Page redirect(URI location) {
    Objects.requireNonNull(location, "location");
    if (!location.isAbsolute()) {
      throw new IllegalArgumentException("A redirect needs an absolute URL, got a relative one to " + location.getPath());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Location", location.toASCIIString());
    headers.put("Cache-Control", "no-store");
    headers.put("Referrer-Policy", "no-referrer");
    return new Page(303, headers, "");
  }

  /**
   * A header's value, its name matched without regard to case.
   *
   * @param name the header name, e.g. {@code content-security-policy}; not null
   * @return its value, or empty when the page has no such header
   */
  public Optional<String> header(String name) {
    Objects.requireNonNull(name, "name");
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
        .findFirst();
  }

  /** Shows the status, the header names and where a redirect goes (host only), never a value that may hold a secret. */
  @Override
  public String toString() {
    return "Page[" + status + ", headers=" + headers.keySet()
        + header("Location").map(l -> ", to=" + hostOf(l)).orElse("")
        + ", html=" + html.length() + " chars]";
  }

  private static String hostOf(String location) {
    try {
      return String.valueOf(new URI(location).getHost());
    } catch (java.net.URISyntaxException e) {
      return "?";
    }
  }
}

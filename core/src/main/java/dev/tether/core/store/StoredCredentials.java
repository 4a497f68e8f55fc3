package dev.tether.core.store;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Credentials} as an account keeps them, compactly: every secret value packed into one byte
 * array, the expiry as two numbers, and everything else — scheme, scopes, attributes, which
 * secrets exist — in a {@link Shape} shared by all accounts that have the same one (so a million
 * Gmail accounts with the same scopes hold one copy). {@link #toCredentials()} rebuilds the SPI
 * value on demand. Immutable; never shows its contents.
 */
final class StoredCredentials {
  private static final Interner<Shape> SHAPES = Interners.newWeakInterner();
  private static final int NO_EXPIRY = -1;

  /** The non-secret rest of a credentials value; safe to share and intern. */
  record Shape(AuthScheme scheme, boolean access, boolean refresh, List<String> scopes,
      Map<String, String> attributes, List<String> secretNames) {}

  private final Shape shape;
  /** Access token, refresh token (each if present), then the named secrets: UTF-8, length-prefixed. */
  private final byte[] secrets;
  private final long expiresAtSecond;
  private final int expiresAtNano;

  /** Reassembles a value whose fields a record kept unboxed (see {@link StoredAccount}). */
  StoredCredentials(Shape shape, byte[] secrets, long expiresAtSecond, int expiresAtNano) {
    this.shape = shape;
    this.secrets = secrets;
    this.expiresAtSecond = expiresAtSecond;
    this.expiresAtNano = expiresAtNano;
  }

  /** {@code null} for {@code null}. */
  static StoredCredentials of(Credentials c) {
    if (c == null) {
      return null;
    }
    List<String> names = List.copyOf(c.secrets().keySet());
    Shape shape = SHAPES.intern(new Shape(c.scheme(), c.accessToken().isPresent(), c.refreshToken().isPresent(),
        c.scopes(), c.attributes(), names));
    ByteArrayOutputStream out = new ByteArrayOutputStream(96);
    c.accessToken().ifPresent(s -> write(out, s));
    c.refreshToken().ifPresent(s -> write(out, s));
    for (String name : names) {
      write(out, c.secrets().get(name));
    }
    Instant expiresAt = c.expiresAt().orElse(null);
    return new StoredCredentials(shape, out.toByteArray(), expiresAt == null ? 0 : expiresAt.getEpochSecond(),
        expiresAt == null ? NO_EXPIRY : expiresAt.getNano());
  }

  Credentials toCredentials() {
    Credentials.Builder b = Credentials.builder(shape.scheme()).scopes(shape.scopes()).expiresAt(expiresAt().orElse(null));
    shape.attributes().forEach(b::attribute);
    int[] at = {0};
    if (shape.access()) {
      b.accessToken(read(at));
    }
    if (shape.refresh()) {
      b.refreshToken(read(at));
    }
    for (String name : shape.secretNames()) {
      b.secret(name, read(at));
    }
    return b.build();
  }

  Shape shape() {
    return shape;
  }

  byte[] secrets() {
    return secrets;
  }

  long expiresAtSecond() {
    return expiresAtSecond;
  }

  int expiresAtNano() {
    return expiresAtNano;
  }

  Optional<Instant> expiresAt() {
    return expiresAtNano == NO_EXPIRY ? Optional.empty() : Optional.of(Instant.ofEpochSecond(expiresAtSecond, expiresAtNano));
  }

  /** Whether the token expires at or before {@code instant}; false when it never expires. */
  boolean expiresBy(Instant instant) {
    if (expiresAtNano == NO_EXPIRY) {
      return false;
    }
    long s = instant.getEpochSecond();
    return expiresAtSecond < s || (expiresAtSecond == s && expiresAtNano <= instant.getNano());
  }

  boolean hasRefreshToken() {
    return shape.refresh();
  }

  private static void write(ByteArrayOutputStream out, Secret secret) {
    byte[] value = secret.reveal().getBytes(StandardCharsets.UTF_8);
    int n = value.length;
    while (n >= 0x80) {
      out.write((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.write(n);
    out.write(value, 0, value.length);
  }

  private String read(int[] at) {
    int n = 0;
    int shift = 0;
    int b;
    do {
      b = secrets[at[0]++];
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    String value = new String(secrets, at[0], n, StandardCharsets.UTF_8);
    at[0] += n;
    return value;
  }

  /** Never shows a value. */
  @Override
  public String toString() {
    return "StoredCredentials[" + shape.scheme() + ", secrets=" + (shape.access() ? "access " : "")
        + (shape.refresh() ? "refresh " : "") + shape.secretNames() + "]";
  }

  /** Whether the two share one interned shape (what keeps a million similar accounts small). */
  boolean sharesShapeWith(StoredCredentials other) {
    return shape == other.shape;
  }
}

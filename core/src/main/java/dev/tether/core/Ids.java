package dev.tether.core;

import dev.tether.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Draws ids, states and PKCE verifiers from a CSPRNG. No id anyone is shown is a counter, so ids
 * reveal neither order nor volume. An attempt token is not an id: a store keeps it, and its count
 * shows only how many claims and leases one engine thread made (see {@link #attempt()}).
 * Thread-safe.
 *
 * <p>A link's state is a selector and a validator, 24 random bytes each (384 bits together): the
 * selector (its first {@value #KEY_LENGTH} characters) is the key the pending flow is stored under
 * and the link's public id; the validator is compared in constant time, so a lookup never reveals
 * anything through timing that would help forge a state.
 */
final class Ids {
  static final int SELECTOR_BYTES = 24;
  static final int VALIDATOR_BYTES = 24;
  static final int VERIFIER_BYTES = 32;
  static final int ID_BYTES = 16;
  /** Characters of the base64url selector (24 bytes encode to exactly 32 characters). */
  static final int KEY_LENGTH = 32;
  /** Characters of a whole state. */
  static final int STATE_LENGTH = 64;

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JDK has no SHA-256; Tether needs it for PKCE challenges", e);
    }
  });

  private final ThreadLocal<SecureRandom> random;
  /**
   * Each thread's attempt prefix and count, the prefix drawn at the thread's first attempt. JDK
   * types only: an engine dropped on a pooled container thread must not pin the application's class
   * loader through this entry.
   */
  private final ThreadLocal<Map.Entry<String, long[]>> attempts = ThreadLocal.withInitial(
      () -> new AbstractMap.SimpleImmutableEntry<>(id("at_") + "_", new long[1]));

  /** Draws from {@code random} (shared by every thread; tests pass a seeded or counting one). */
  Ids(SecureRandom random) {
    this.random = ThreadLocal.withInitial(() -> random);
  }

  private Ids(ThreadLocal<SecureRandom> random) {
    this.random = random;
  }

  /**
   * One DRBG per thread (NIST SP 800-90A Hash_DRBG, 256-bit strength, seeded and reseeded from the
   * platform's entropy source). The JDK's default {@code NativePRNG} serialises every read through
   * one global lock, so two threads drawing link secrets each ran at a quarter of one thread's rate.
   */
  static Ids perThreadDrbg() {
    drbg(); // fails here, at engine build, if the JDK cannot provide one
    return new Ids(ThreadLocal.withInitial(Ids::drbg));
  }

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG",
          DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, "dev.tether".getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JDK has no DRBG SecureRandom (NIST SP 800-90A); Tether needs one "
          + "for link secrets", e);
    }
  }

  /** Everything one new link needs, from a single CSPRNG draw. */
  record LinkSecrets(Secret state, Secret verifier, String accountId) {
    /** The flow's key and the link's public id: the state's selector. */
    String key() {
      return state.reveal().substring(0, KEY_LENGTH);
    }

    String linkId() {
      return "ln_" + key();
    }
  }

  LinkSecrets link() {
    byte[] bytes = new byte[SELECTOR_BYTES + VALIDATOR_BYTES + VERIFIER_BYTES + ID_BYTES];
    random.get().nextBytes(bytes);
    int v = SELECTOR_BYTES + VALIDATOR_BYTES;
    String state = URL_SAFE.encodeToString(Arrays.copyOfRange(bytes, 0, v));
    String verifier = URL_SAFE.encodeToString(Arrays.copyOfRange(bytes, v, v + VERIFIER_BYTES));
    String accountId = base32("ca_", bytes, v + VERIFIER_BYTES, ID_BYTES);
    return new LinkSecrets(Secret.of(state), Secret.of(verifier), accountId);
  }

  String sessionId() {
    return id("trs_");
  }

  /** A session's MCP bearer: 256 bits, base64url. */
  Secret bearer() {
    byte[] bytes = new byte[32];
    random.get().nextBytes(bytes);
    return Secret.of(URL_SAFE.encodeToString(bytes));
  }

  /**
   * A value unique to one attempt at a flow claim or a refresh lease, across every engine and
   * thread: a 128-bit random prefix per thread and engine, and that thread's count. It is no secret
   * (a store may keep it as plain text), so it needs no CSPRNG draw of its own, which showed in
   * callback profiles; a shared counter would put one contended line between the cores.
   */
  String attempt() {
    Map.Entry<String, long[]> a = attempts.get();
    return a.getKey() + Long.toString(a.getValue()[0]++, 36);
  }

  String accountId() {
    return id("ca_");
  }

  /**
   * {@code BASE64URL(SHA256(ASCII(verifier)))}, the S256 challenge. Each thread keeps its digest:
   * Guava's {@code Hashing.sha256()} cloned one per call, a fifth of the challenge's time.
   */
  static String challenge(Secret verifier) {
    return URL_SAFE.encodeToString(SHA_256.get().digest(verifier.reveal().getBytes(StandardCharsets.US_ASCII)));
  }

  /** The flow key of a state as it came back, or null when it cannot be one of ours. */
  static String keyOf(String state) {
    return state.length() == STATE_LENGTH ? state.substring(0, KEY_LENGTH) : null;
  }

  /** The key behind a link id ({@code ln_…}), or null when it cannot be one of ours. */
  static String keyOfLink(String linkId) {
    return linkId.length() == KEY_LENGTH + 3 && linkId.startsWith("ln_") ? linkId.substring(3) : null;
  }

  /**
   * Whether {@code presented} is {@code issued}, compared in constant time: every character pair is
   * compared whatever the first difference, as {@link MessageDigest#isEqual} compares bytes, without
   * encoding both strings to bytes first (garbage on every callback).
   */
  static boolean sameState(Secret issued, String presented) {
    String expected = issued.reveal();
    int diff = expected.length() ^ presented.length();
    for (int i = 0, n = Math.min(expected.length(), presented.length()); i < n; i++) {
      diff |= expected.charAt(i) ^ presented.charAt(i);
    }
    return diff == 0;
  }

  private String id(String prefix) {
    byte[] bytes = new byte[ID_BYTES];
    random.get().nextBytes(bytes);
    return base32(prefix, bytes, 0, ID_BYTES);
  }

  /**
   * {@code prefix} + RFC 4648 base32 of the bytes, lower case, unpadded (Guava's {@code
   * BaseEncoding.base32().lowerCase().omitPadding()} gives the same text, several times slower).
   */
  static String base32(String prefix, byte[] bytes, int offset, int length) {
    char[] out = new char[prefix.length() + (length * 8 + 4) / 5];
    prefix.getChars(0, prefix.length(), out, 0);
    int o = prefix.length();
    int buffer = 0;
    int bits = 0;
    for (int i = offset; i < offset + length; i++) {
      buffer = (buffer << 8) | (bytes[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        out[o++] = BASE32[(buffer >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) {
      out[o++] = BASE32[(buffer << (5 - bits)) & 31];
    }
    return new String(out, 0, o);
  }
}

package dev.tether.core;

import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import dev.tether.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Draws ids, states and PKCE verifiers from a CSPRNG. Nothing is a counter, so ids reveal
 * neither order nor volume. Thread-safe.
 */
final class Ids {
  /** 256 bits of state, 256 bits behind each verifier, 128 bits per id. */
  static final int STATE_BYTES = 32;
  static final int VERIFIER_BYTES = 32;
  static final int ID_BYTES = 16;

  private static final BaseEncoding ID_ENCODING = BaseEncoding.base32().lowerCase().omitPadding();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;

  Ids(SecureRandom random) {
    this.random = random;
  }

  String sessionId() {
    return "trs_" + id();
  }

  String accountId() {
    return "ca_" + id();
  }

  String linkId() {
    return "ln_" + id();
  }

  /** 43 URL-safe characters carrying 256 random bits. */
  Secret state() {
    return Secret.of(urlSafe(STATE_BYTES));
  }

  /** An RFC 7636 verifier: 43 characters of the unreserved alphabet, 256 random bits. */
  Secret verifier() {
    return Secret.of(urlSafe(VERIFIER_BYTES));
  }

  /** {@code BASE64URL(SHA256(ASCII(verifier)))}, the S256 challenge. */
  static String challenge(Secret verifier) {
    return URL_SAFE.encodeToString(
        Hashing.sha256().hashString(verifier.reveal(), StandardCharsets.US_ASCII).asBytes());
  }

  /**
   * The key under which a flow is stored: a hash of its state, so the raw state is not kept and a
   * lookup compares hashes (an attacker cannot steer the comparison by timing).
   */
  static String stateKey(String state) {
    return URL_SAFE.encodeToString(
        Hashing.sha256().hashString(state, StandardCharsets.UTF_8).asBytes());
  }

  private String id() {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    return ID_ENCODING.encode(bytes);
  }

  private String urlSafe(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return URL_SAFE.encodeToString(bytes);
  }
}

package dev.tether.core;

import com.google.common.hash.Hashing;
import com.google.common.io.BaseEncoding;
import dev.tether.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Draws ids, states and PKCE verifiers from a CSPRNG. Nothing is a counter, so ids reveal
 * neither order nor volume. Thread-safe.
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

  private static final BaseEncoding ID_ENCODING = BaseEncoding.base32().lowerCase().omitPadding();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random;

  Ids(SecureRandom random) {
    this.random = random;
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
    random.nextBytes(bytes);
    int v = SELECTOR_BYTES + VALIDATOR_BYTES;
    String state = URL_SAFE.encodeToString(Arrays.copyOfRange(bytes, 0, v));
    String verifier = URL_SAFE.encodeToString(Arrays.copyOfRange(bytes, v, v + VERIFIER_BYTES));
    String accountId = "ca_" + ID_ENCODING.encode(bytes, v + VERIFIER_BYTES, ID_BYTES);
    return new LinkSecrets(Secret.of(state), Secret.of(verifier), accountId);
  }

  String sessionId() {
    return "trs_" + id();
  }

  String accountId() {
    return "ca_" + id();
  }

  /** {@code BASE64URL(SHA256(ASCII(verifier)))}, the S256 challenge. */
  static String challenge(Secret verifier) {
    return URL_SAFE.encodeToString(
        Hashing.sha256().hashString(verifier.reveal(), StandardCharsets.US_ASCII).asBytes());
  }

  /** The flow key of a state as it came back, or null when it cannot be one of ours. */
  static String keyOf(String state) {
    return state.length() == STATE_LENGTH ? state.substring(0, KEY_LENGTH) : null;
  }

  /** The key behind a link id ({@code ln_…}), or null when it cannot be one of ours. */
  static String keyOfLink(String linkId) {
    return linkId.length() == KEY_LENGTH + 3 && linkId.startsWith("ln_") ? linkId.substring(3) : null;
  }

  /** Whether {@code presented} is {@code issued}, compared in constant time. */
  static boolean sameState(Secret issued, String presented) {
    return MessageDigest.isEqual(issued.reveal().getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  private String id() {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    return ID_ENCODING.encode(bytes);
  }
}

package dev.tether.store.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for the secrets of one row: a fresh 96-bit nonce per write, the row's table and id as
 * associated data (a ciphertext copied to another row does not decrypt), and the id of the key
 * beside the ciphertext so reads accept every configured key. Layout: one format byte, the nonce,
 * then ciphertext and tag. Thread-safe.
 */
final class RowCipher {
  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String currentKeyId;
  private final Map<String, SecretKey> keys;
  private final SecureRandom random = new SecureRandom();

  /** @param keys every key by id, the current one included */
  RowCipher(String currentKeyId, Map<String, SecretKey> keys) {
    this.currentKeyId = currentKeyId;
    this.keys = Map.copyOf(keys);
  }

  String currentKeyId() {
    return currentKeyId;
  }

  /** Encrypts with the current key. */
  byte[] seal(String table, String rowId, byte[] plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(table, rowId));
      byte[] sealed = c.doFinal(plaintext);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM (" + e.getClass().getName() + ")", e);
    }
  }

  /**
   * Decrypts a row's secrets.
   *
   * @throws StoreKeyException naming the key id when the key is missing or the row does not
   *     authenticate
   */
  byte[] open(String table, String rowId, String keyId, byte[] sealed) {
    SecretKey key = keys.get(keyId);
    if (key == null) {
      throw new StoreKeyException(keyId, "The secrets of " + table + " row " + rowId + " are encrypted with key '"
          + keyId + "', which this store was not given; add it with decryptionKey(\"" + keyId + "\", …)", null);
    }
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw refused(table, rowId, keyId, null);
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      c.updateAAD(aad(table, rowId));
      return c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw refused(table, rowId, keyId, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM (" + e.getClass().getName() + ")", e);
    }
  }

  private static StoreKeyException refused(String table, String rowId, String keyId, Throwable cause) {
    return new StoreKeyException(keyId, "The secrets of " + table + " row " + rowId + " do not authenticate "
        + "with key '" + keyId + "': the row was altered or copied from another row, or the key with that id is "
        + "not the one it was written with; refused", cause);
  }

  private static byte[] aad(String table, String rowId) {
    return ("tether/" + table + "/" + rowId).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RowCipher[current=" + currentKeyId + ", keys=" + keys.keySet() + "]";
  }
}

package dev.tether.store.postgres;

import dev.tether.core.TetherException;

/**
 * A stored secret could not be decrypted: its key is not among the store's keys, or the row was
 * tampered with (or copied from another row), which AES-GCM's tag refuses. Never a wrong value:
 * the store returns a secret only when it decrypts and authenticates. The message names the key
 * id and the row, never a key or a secret.
 */
public final class StoreKeyException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The key id stored beside the ciphertext. */
  private final String keyId;

  StoreKeyException(String keyId, String message, Throwable cause) {
    super(message, cause);
    this.keyId = keyId;
  }

  /**
   * The id of the key the row was encrypted with.
   *
   * @return the key id stored beside the ciphertext
   */
  public String keyId() {
    return keyId;
  }
}

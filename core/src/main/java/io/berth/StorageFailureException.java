package io.berth;

/**
 * The image and layer store refused or failed an operation: a malformed or unsafe archive, a
 * digest mismatch, a layer in use, a full disk. The cause is the store's own, more specific
 * exception from {@code io.berth.storage}.
 */
public class StorageFailureException extends BerthException {
  private static final long serialVersionUID = 1L;

  public StorageFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}

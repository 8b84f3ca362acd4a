package io.berth.storage;

/**
 * The store's own metadata is damaged or inconsistent (a truncated database, a layer
 * directory or blob that a record names but that is missing). The store never treats such
 * damage as emptiness: the files are kept for inspection.
 */
public class CorruptStoreException extends StorageException {
  private static final long serialVersionUID = 1L;

  public CorruptStoreException(String message) {
    super(message);
  }

  public CorruptStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.berth.storage;

/**
 * The storage driver cannot serve this store: it does not work on this kernel or file
 * system (the message says what to use instead), or the store was made with another driver.
 * Nothing else went wrong, so trying another driver is a sensible reaction; any other
 * {@link StorageException} from {@link Store.Builder#build()} is not.
 */
public class DriverUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  public DriverUnavailableException(String message) {
    super(message);
  }

  public DriverUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

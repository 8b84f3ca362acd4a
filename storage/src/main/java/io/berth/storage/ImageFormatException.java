package io.berth.storage;

/**
 * An archive, layout, manifest, config or layer is malformed or not what it claims to be. The
 * store is left as it was before the call.
 */
public class ImageFormatException extends StorageException {
  private static final long serialVersionUID = 1L;

  public ImageFormatException(String message) {
    super(message);
  }

  public ImageFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.berth.storage;

/** A layer cannot be removed while an image or a container layer still builds on it. */
public class LayerInUseException extends StorageException {
  private static final long serialVersionUID = 1L;

  public LayerInUseException(String message) {
    super(message);
  }
}

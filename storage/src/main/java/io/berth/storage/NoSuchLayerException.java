package io.berth.storage;

/** The store has no layer with the given id. */
public class NoSuchLayerException extends StorageException {
  private static final long serialVersionUID = 1L;

  public NoSuchLayerException(String layerId) {
    super("no layer " + layerId + " in the store");
  }
}

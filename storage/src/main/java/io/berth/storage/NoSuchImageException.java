package io.berth.storage;

/** No image has the given name, id or id prefix. */
public class NoSuchImageException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String nameOrId;

  public NoSuchImageException(String nameOrId) {
    super("no image matches '" + nameOrId + "'; list the store's images to see what is there,"
        + " or import or load the image first");
    this.nameOrId = nameOrId;
  }

  /** What the caller asked for. */
  public String nameOrId() {
    return nameOrId;
  }
}

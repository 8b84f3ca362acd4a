package io.berth.storage;

import java.util.List;

/** An image cannot be removed while container layers are based on it. */
public class ImageInUseException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final List<String> containerIds;

  public ImageInUseException(String imageId, List<String> containerIds) {
    super("image " + imageId + " is in use by container(s) " + String.join(", ", containerIds)
        + "; remove those containers first");
    this.containerIds = List.copyOf(containerIds);
  }

  /** The containers whose layers are based on the image. */
  public List<String> containerIds() {
    return containerIds;
  }
}

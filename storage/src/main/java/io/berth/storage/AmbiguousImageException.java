package io.berth.storage;

import java.util.List;

/** An id prefix matches more than one image. */
public class AmbiguousImageException extends StorageException {
  private static final long serialVersionUID = 1L;

  public AmbiguousImageException(String prefix, List<String> imageIds) {
    super("'" + prefix + "' matches " + imageIds.size() + " images (" + String.join(", ",
        imageIds.subList(0, Math.min(5, imageIds.size())))
        + (imageIds.size() > 5 ? ", ..." : "") + "); give more digits of the id or a name");
  }
}

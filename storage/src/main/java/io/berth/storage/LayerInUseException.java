package io.berth.storage;

import java.util.List;

/** A layer cannot be removed while an image or another layer still builds on it. */
public class LayerInUseException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String layerId;
  private final List<String> imageIds;
  private final List<String> childLayerIds;

  public LayerInUseException(String layerId, List<String> imageIds, List<String> childLayerIds) {
    super("layer " + layerId + " is in use" + (imageIds.isEmpty() ? ""
        : " by image(s) " + String.join(", ", imageIds))
        + (childLayerIds.isEmpty() ? "" : (imageIds.isEmpty() ? " by" : " and by")
        + " layer(s) " + String.join(", ", childLayerIds))
        + "; remove those images first (their layers go with the last image that uses them)");
    this.layerId = layerId;
    this.imageIds = List.copyOf(imageIds);
    this.childLayerIds = List.copyOf(childLayerIds);
  }

  /** The layer that was to be removed. */
  public String layerId() {
    return layerId;
  }

  /** The images whose stacks hold the layer. */
  public List<String> imageIds() {
    return imageIds;
  }

  /** The layers that have it as their parent. */
  public List<String> childLayerIds() {
    return childLayerIds;
  }
}

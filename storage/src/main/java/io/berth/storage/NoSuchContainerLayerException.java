package io.berth.storage;

/** The store has no read-write layer for the given container id. */
public class NoSuchContainerLayerException extends StorageException {
  private static final long serialVersionUID = 1L;

  private final String containerId;

  public NoSuchContainerLayerException(String containerId) {
    super("no container layer for container " + containerId
        + "; it was never created or has been removed");
    this.containerId = containerId;
  }

  public String containerId() {
    return containerId;
  }
}

package io.berth.storage;

/** A read-write layer already exists for the container id. */
public class ContainerLayerExistsException extends StorageException {
  private static final long serialVersionUID = 1L;

  public ContainerLayerExistsException(String containerId) {
    super("a container layer for container " + containerId
        + " already exists; remove it first or use another id");
  }
}

package io.berth;

/** The container behind this handle has been removed; the handle can no longer be used. */
public class ContainerRemovedException extends ContainerException {
  private static final long serialVersionUID = 1L;

  public ContainerRemovedException(String containerId) {
    super(containerId, null, "container " + containerId + " has been removed");
  }
}

package io.berth;

/** A container has no artifact of the name asked for. */
public class NoSuchArtifactException extends ContainerException {
  private static final long serialVersionUID = 1L;

  public NoSuchArtifactException(String containerId, ContainerState state, String name) {
    super(containerId, state, "container " + containerId + " has no artifact named '" + name + "'");
  }
}

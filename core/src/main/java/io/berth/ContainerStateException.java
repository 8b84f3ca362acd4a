package io.berth;

/** An operation was asked of a container in a state where it is not allowed. */
public class ContainerStateException extends ContainerException {
  private static final long serialVersionUID = 1L;

  public ContainerStateException(String containerId, ContainerState state, String message) {
    super(containerId, state, message);
  }
}

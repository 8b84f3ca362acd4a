package io.berth;

/**
 * A container already exists where a new one was asked for: the name is taken, or the
 * container has already been created in the OCI runtime.
 */
public class ContainerExistsException extends ContainerException {
  private static final long serialVersionUID = 1L;

  public ContainerExistsException(String containerId, ContainerState state, String message) {
    super(containerId, state, message);
  }
}

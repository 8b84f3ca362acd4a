package io.berth;

import java.util.Optional;

/** A failure concerning one container; carries its id and the state it was seen in. */
public class ContainerException extends BerthException {
  private static final long serialVersionUID = 1L;

  private final String containerId;
  private final ContainerState state;

  public ContainerException(String containerId, ContainerState state, String message) {
    this(containerId, state, message, null);
  }

  public ContainerException(String containerId, ContainerState state, String message,
      Throwable cause) {
    super(message, cause);
    this.containerId = containerId;
    this.state = state;
  }

  /** The full id of the container concerned. */
  public String containerId() {
    return containerId;
  }

  /** The state the container was in when this happened, if known. */
  public Optional<ContainerState> state() {
    return Optional.ofNullable(state);
  }
}

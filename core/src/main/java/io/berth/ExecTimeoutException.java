package io.berth;

import java.time.Duration;

/** An exec ran longer than its timeout and was killed. */
public class ExecTimeoutException extends ContainerException {
  private static final long serialVersionUID = 1L;

  public ExecTimeoutException(String containerId, ContainerState state, Duration timeout) {
    super(containerId, state, "exec in container " + containerId + " did not finish within "
        + timeout + " and was killed");
  }
}

package io.berth.oci;

import java.time.Duration;

/** An exec'd process ran longer than its timeout and was killed. */
public class ExecTimeoutException extends OciException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public ExecTimeoutException(String message, Duration timeout) {
    super(message);
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }
}

package io.berth;

/**
 * Root of every failure Berth reports. Unchecked: callers catch the subclasses they can act
 * on, and messages name the container and its state.
 */
public class BerthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BerthException(String message) {
    super(message);
  }

  public BerthException(String message, Throwable cause) {
    super(message, cause);
  }
}

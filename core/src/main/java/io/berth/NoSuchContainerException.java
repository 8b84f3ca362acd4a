package io.berth;

/** No container matches the id, name or id prefix that was given. */
public class NoSuchContainerException extends BerthException {
  private static final long serialVersionUID = 1L;

  public NoSuchContainerException(String message) {
    super(message);
  }
}

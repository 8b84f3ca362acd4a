package io.berth;

/** No image matches the name or id that was given. */
public class NoSuchImageException extends BerthException {
  private static final long serialVersionUID = 1L;

  public NoSuchImageException(String message, Throwable cause) {
    super(message, cause);
  }
}

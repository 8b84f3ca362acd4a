package io.berth;

/** An image cannot be removed because containers still use it. */
public class ImageInUseException extends BerthException {
  private static final long serialVersionUID = 1L;

  public ImageInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}

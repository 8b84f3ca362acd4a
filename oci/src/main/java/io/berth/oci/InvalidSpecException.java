package io.berth.oci;

/**
 * Container settings or image defaults cannot become a valid runtime spec: an unknown user or
 * group, a bind mount whose source is missing, an unreadable {@code /etc/passwd}. Nothing is
 * written when this is thrown.
 */
public class InvalidSpecException extends OciException {
  private static final long serialVersionUID = 1L;

  public InvalidSpecException(String message) {
    super(message);
  }

  public InvalidSpecException(String message, Throwable cause) {
    super(message, cause);
  }
}

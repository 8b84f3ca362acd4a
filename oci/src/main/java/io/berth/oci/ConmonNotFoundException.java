package io.berth.oci;

/** No usable conmon binary was found; the message says where Berth looked and how to install it. */
public class ConmonNotFoundException extends OciException {
  private static final long serialVersionUID = 1L;

  public ConmonNotFoundException(String message) {
    super(message);
  }
}

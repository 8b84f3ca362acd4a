package io.berth.oci;

/** A bundle directory could not be written or read (I/O failure, malformed config.json). */
public class BundleException extends OciException {
  private static final long serialVersionUID = 1L;

  public BundleException(String message) {
    super(message);
  }

  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.berth.oci;

/** Root of every failure the OCI layer reports. Unchecked; messages say what to do. */
public class OciException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OciException(String message) {
    super(message);
  }

  public OciException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.berth.storage;

/**
 * Content read from outside the store does not hash to the digest that names it. Nothing of
 * it was kept.
 */
public class DigestMismatchException extends ImageFormatException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;

  /**
   * @param what which content, like {@code "layer 2 of image docker.io/library/x:latest"}
   * @param expected the digest the archive or manifest names, {@code "sha256:..."}
   * @param actual the digest of the bytes that were read
   */
  public DigestMismatchException(String what, String expected, String actual) {
    super(what + " is corrupt or was tampered with: expected digest " + expected
        + " but the content hashes to " + actual + "; get a fresh copy of the image");
    this.expected = expected;
    this.actual = actual;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}

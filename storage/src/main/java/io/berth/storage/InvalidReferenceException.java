package io.berth.storage;

/** An image reference ({@code name[:tag][@digest]}) is not well formed. */
public class InvalidReferenceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String reference;

  public InvalidReferenceException(String reference, String reason) {
    super("invalid image reference '" + reference + "': " + reason
        + " (expected [registry/]repository[:tag][@sha256:<64 hex>], lowercase repository)");
    this.reference = reference;
  }

  public String reference() {
    return reference;
  }
}

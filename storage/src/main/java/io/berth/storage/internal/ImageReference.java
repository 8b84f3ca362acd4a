package io.berth.storage.internal;

import io.berth.storage.InvalidReferenceException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed, normalised image reference: {@code busybox} becomes
 * {@code docker.io/library/busybox:latest}, {@code localhost/x} becomes
 * {@code localhost/x:latest}, {@code quay.io/a/b@sha256:...} keeps its digest. The first path
 * component is a registry when it contains {@code .} or {@code :} or is {@code localhost}.
 */
public record ImageReference(String domain, String path, Optional<String> tag,
    Optional<String> digest) {

  public static final String DEFAULT_DOMAIN = "docker.io";
  public static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  private static final Pattern COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*"
          + "(?::[0-9]+)?");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /**
   * Parses and normalises {@code reference}; a reference with neither tag nor digest gets the
   * tag {@code latest}.
   *
   * @throws InvalidReferenceException saying what is wrong
   */
  public static ImageReference parse(String reference) {
    if (reference == null || reference.isEmpty()) {
      throw new InvalidReferenceException(String.valueOf(reference), "it is empty");
    }
    String rest = reference;
    Optional<String> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      String d = rest.substring(at + 1);
      if (!DIGEST.matcher(d).matches()) {
        throw new InvalidReferenceException(reference,
            "the digest must be sha256: followed by 64 lowercase hex digits");
      }
      digest = Optional.of(d);
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String t = rest.substring(colon + 1);
      if (!TAG.matcher(t).matches()) {
        throw new InvalidReferenceException(reference, "tag '" + t + "' is not valid");
      }
      tag = Optional.of(t);
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty()) {
      throw new InvalidReferenceException(reference, "the repository name is empty");
    }
    String domain;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      domain = first;
      path = rest.substring(slash + 1);
      if (!DOMAIN.matcher(domain).matches()) {
        throw new InvalidReferenceException(reference, "registry '" + domain + "' is not valid");
      }
      if (domain.equals("index.docker.io")) {
        domain = DEFAULT_DOMAIN;
      }
    } else {
      domain = DEFAULT_DOMAIN;
      path = rest;
    }
    if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
      if (HEX64.matcher(path).matches()) {
        throw new InvalidReferenceException(reference,
            "a 64-hex-digit name is an image id, not a repository");
      }
      path = "library/" + path;
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(reference, "path component '" + component
            + "' must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
      }
    }
    if (domain.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(reference,
          "the name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = Optional.of(DEFAULT_TAG);
    }
    return new ImageReference(domain, path, tag, digest);
  }

  /** Whether a raw reference names its registry (else docker.io is implied). */
  public static boolean hasExplicitDomain(String reference) {
    int slash = reference.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String first = reference.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  /** The repository: {@code domain/path}, without tag or digest. */
  public String repository() {
    return domain + "/" + path;
  }

  /** The normalised string form, {@code domain/path[:tag][@digest]}. */
  @Override
  public String toString() {
    return repository() + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }
}

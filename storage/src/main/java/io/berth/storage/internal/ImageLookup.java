package io.berth.storage.internal;

import io.berth.storage.AmbiguousImageException;
import io.berth.storage.InvalidReferenceException;
import io.berth.storage.internal.stream.Digests;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Finds an image id from what a user typed: an id, a prefix, a name, a digest. Thread-safe. */
final class ImageLookup {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private final Metadata meta;

  ImageLookup(Metadata meta) {
    this.meta = meta;
  }

  /**
   * Resolves, in order: a full id (bare or {@code sha256:}; a {@code sha256:} digest that
   * is no image id may be a manifest digest), a name (a short name matches
   * {@code docker.io/library/x} and then {@code localhost/x}), a digest reference, then a
   * unique id prefix of at least 3 hex digits.
   */
  Optional<String> find(String nameOrId) {
    Objects.requireNonNull(nameOrId, "nameOrId");
    if (nameOrId.isEmpty()) {
      throw new IllegalArgumentException("image name or id must not be empty");
    }
    String s = nameOrId.startsWith(Digests.PREFIX) ? nameOrId.substring(Digests.PREFIX.length())
        : nameOrId;
    boolean hex = HEX.matcher(s).matches();
    if (hex && s.length() == 64) {
      Optional<String> byId = meta.image(s).map(Metadata.ImageRecord::id);
      if (byId.isPresent() || !nameOrId.startsWith(Digests.PREFIX)) {
        return byId;
      }
      return meta.imageIdsByDigest(nameOrId).stream().findFirst();
    }
    if (!nameOrId.startsWith(Digests.PREFIX)) {
      try {
        ImageReference ref = ImageReference.parse(nameOrId);
        if (ref.digest().isPresent() && ref.tag().isEmpty()) {
          Optional<String> byDigest = meta.imageIdsByDigest(ref.digest().get()).stream()
              .findFirst();
          if (byDigest.isPresent()) {
            return byDigest;
          }
        }
        Optional<String> byName = meta.imageIdByName(ref.toString());
        if (byName.isPresent()) {
          return byName;
        }
        if (!ImageReference.hasExplicitDomain(nameOrId)) {
          String local = "localhost/" + nameOrId + (ref.tag().isPresent()
              && !nameOrId.contains(":") ? ":" + ref.tag().get() : "");
          byName = meta.imageIdByName(ImageReference.parse(local).toString());
          if (byName.isPresent()) {
            return byName;
          }
        }
      } catch (InvalidReferenceException e) {
        // Not a name; maybe an id prefix.
      }
    }
    if (hex && s.length() >= 3) {
      List<String> ids = meta.imageIdsByPrefix(s);
      if (ids.size() > 1) {
        throw new AmbiguousImageException(nameOrId, ids);
      }
      return ids.stream().findFirst();
    }
    return Optional.empty();
  }
}

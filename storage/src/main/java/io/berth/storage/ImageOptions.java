package io.berth.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * How {@link Store#importRootfs} and {@link Store#commit} describe the image they make, like
 * {@code podman import} and {@code podman commit}: the name to give it, config changes (on top
 * of an empty config for an import, of the base image's for a commit), author, history message
 * and creation time. Immutable.
 */
public final class ImageOptions {
  private final NewImageSettings settings;

  private ImageOptions(NewImageSettings settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** No name, no changes, no author or message, created now. */
  public static ImageOptions defaults() {
    return new ImageOptions(new NewImageSettings());
  }

  /** The normalised name for the new image; empty for an untagged image. */
  public Optional<String> reference() {
    return settings.reference;
  }

  public ConfigChanges changes() {
    return settings.changes;
  }

  public Optional<String> author() {
    return settings.author;
  }

  /** The history comment of the new layer. */
  public Optional<String> message() {
    return settings.message;
  }

  /** The creation time to record; empty means the time of the call. */
  public Optional<Instant> created() {
    return settings.created;
  }

  @Override
  public String toString() {
    return "ImageOptions{" + settings + "}";
  }

  /** Builds {@link ImageOptions}; each setting may be made once. Not thread-safe. */
  public static final class Builder {
    private final NewImageSettings settings = new NewImageSettings();

    private Builder() {}

    /**
     * The name for the new image, normalised like podman does ({@code busybox} becomes
     * {@code docker.io/library/busybox:latest}).
     *
     * @throws InvalidReferenceException if it is not a valid reference
     */
    public Builder reference(String reference) {
      settings.reference(reference);
      return this;
    }

    public Builder changes(ConfigChanges changes) {
      settings.changes(changes);
      return this;
    }

    public Builder author(String author) {
      settings.author(author);
      return this;
    }

    public Builder message(String message) {
      settings.message(message);
      return this;
    }

    /** A fixed creation time, for reproducible images. */
    public Builder created(Instant created) {
      settings.created(created);
      return this;
    }

    public ImageOptions build() {
      return new ImageOptions(settings.copy());
    }
  }
}

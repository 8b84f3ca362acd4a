package io.berth;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an attached container's streams go. Immutable; build with {@link #builder()}. Streams
 * are written from a Berth thread; they are flushed but never closed by Berth.
 */
public final class AttachOptions {
  /** Ctrl-P then Ctrl-Q, as in podman and docker. */
  public static final String DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

  private final InputStream stdin;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final String detachKeys;

  private AttachOptions(Builder b) {
    this.stdin = b.stdin;
    this.stdout = b.stdout;
    this.stderr = b.stderr;
    this.detachKeys = b.detachKeys == null ? DEFAULT_DETACH_KEYS : b.detachKeys;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Sent to the container's stdin (which must be kept open, see ContainerConfig.stdin). */
  public Optional<InputStream> stdin() {
    return Optional.ofNullable(stdin);
  }

  public Optional<OutputStream> stdout() {
    return Optional.ofNullable(stdout);
  }

  public Optional<OutputStream> stderr() {
    return Optional.ofNullable(stderr);
  }

  /** Keys that, read from stdin, detach instead of being sent, like {@code ctrl-p,ctrl-q}. */
  public String detachKeys() {
    return detachKeys;
  }

  /** Builds {@link AttachOptions}; each setting once. Not thread-safe. */
  public static final class Builder {
    private InputStream stdin;
    private OutputStream stdout;
    private OutputStream stderr;
    private String detachKeys;

    private Builder() {}

    public Builder stdin(InputStream in) {
      Settings.once(stdin, "stdin");
      this.stdin = Objects.requireNonNull(in, "stdin");
      return this;
    }

    public Builder stdout(OutputStream out) {
      Settings.once(stdout, "stdout");
      this.stdout = Objects.requireNonNull(out, "stdout");
      return this;
    }

    public Builder stderr(OutputStream err) {
      Settings.once(stderr, "stderr");
      this.stderr = Objects.requireNonNull(err, "stderr");
      return this;
    }

    /** Comma-separated keys: {@code ctrl-<letter>} or single characters; empty disables. */
    public Builder detachKeys(String keys) {
      Settings.once(detachKeys, "detachKeys");
      this.detachKeys = Objects.requireNonNull(keys, "detachKeys");
      return this;
    }

    public AttachOptions build() {
      return new AttachOptions(this);
    }
  }
}

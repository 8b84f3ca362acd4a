package io.berth.oci;

import io.berth.oci.internal.Checks;
import io.berth.oci.internal.conmon.DetachKeys;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Where an {@link AttachSession} sends the container's output and where it reads stdin from.
 * Unset outputs are discarded; without stdin nothing is written to the container.
 *
 * <p>Holds the caller's streams; immutable otherwise.
 */
public final class AttachOptions {
  /** Docker's and podman's default detach sequence: ctrl-p then ctrl-q. */
  public static final String DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

  private final OutputStream stdout;
  private final OutputStream stderr;
  private final InputStream stdin;
  private final byte[] detachKeys;
  private final boolean closeStdinAtEof;

  private AttachOptions(Builder b) {
    this.stdout = b.stdout;
    this.stderr = b.stderr;
    this.stdin = b.stdin;
    this.detachKeys = DetachKeys.parse(b.detachKeys == null ? DEFAULT_DETACH_KEYS : b.detachKeys);
    this.closeStdinAtEof = !Boolean.FALSE.equals(b.closeStdinAtEof);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<OutputStream> stdout() {
    return Optional.ofNullable(stdout);
  }

  public Optional<OutputStream> stderr() {
    return Optional.ofNullable(stderr);
  }

  public Optional<InputStream> stdin() {
    return Optional.ofNullable(stdin);
  }

  /** The detach sequence as bytes; empty if detaching is disabled. */
  public byte[] detachKeys() {
    return detachKeys.clone();
  }

  /** Whether end-of-file on stdin closes the container's stdin (shutdown of our write side). */
  public boolean closeStdinAtEof() {
    return closeStdinAtEof;
  }

  /** Builds {@link AttachOptions}; each setting once. Not thread-safe. */
  public static final class Builder {
    private OutputStream stdout;
    private OutputStream stderr;
    private InputStream stdin;
    private String detachKeys;
    private Boolean closeStdinAtEof;

    private Builder() {}

    /** Receives the container's stdout (or the terminal's output). Not closed by Berth. */
    public Builder stdout(OutputStream stdout) {
      this.stdout = Checks.once(this.stdout, stdout, "stdout");
      return this;
    }

    /** Receives the container's stderr. Not closed by Berth. */
    public Builder stderr(OutputStream stderr) {
      this.stderr = Checks.once(this.stderr, stderr, "stderr");
      return this;
    }

    /** Copied to the container's stdin (the container must be created with stdin open). */
    public Builder stdin(InputStream stdin) {
      this.stdin = Checks.once(this.stdin, stdin, "stdin");
      return this;
    }

    /**
     * The key sequence on stdin that detaches, like {@code ctrl-p,ctrl-q} (the default) or
     * {@code ctrl-a,d}; an empty string disables detaching.
     */
    public Builder detachKeys(String detachKeys) {
      DetachKeys.parse(detachKeys);
      this.detachKeys = Checks.once(this.detachKeys, detachKeys, "detachKeys");
      return this;
    }

    /** Whether end-of-file on stdin closes the container's stdin; true by default. */
    public Builder closeStdinAtEof(boolean close) {
      this.closeStdinAtEof = Checks.once(this.closeStdinAtEof, close, "closeStdinAtEof");
      return this;
    }

    public AttachOptions build() {
      return new AttachOptions(this);
    }
  }
}

package io.berth.oci;

import io.berth.oci.internal.Checks;
import java.util.List;
import java.util.Optional;

/**
 * What an image contributes to a container's process: the {@code config} section of an OCI or
 * Docker image (entrypoint, cmd, env, working directory, user, stop signal). Core copies it from
 * the stored image; {@link #none()} stands for a rootfs without image metadata.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ImageDefaults {
  private static final ImageDefaults NONE = builder().build();

  private final List<String> entrypoint;
  private final List<String> cmd;
  private final List<String> env;
  private final String workingDir;
  private final String user;
  private final String stopSignal;

  private ImageDefaults(Builder b) {
    this.entrypoint = b.entrypoint == null ? List.of() : b.entrypoint;
    this.cmd = b.cmd == null ? List.of() : b.cmd;
    this.env = b.env == null ? List.of() : b.env;
    this.workingDir = b.workingDir;
    this.user = b.user;
    this.stopSignal = b.stopSignal;
  }

  /** Defaults that contribute nothing: no entrypoint, no cmd, no env. */
  public static ImageDefaults none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The image's {@code Entrypoint}; empty if unset. */
  public List<String> entrypoint() {
    return entrypoint;
  }

  /** The image's {@code Cmd}; empty if unset. */
  public List<String> cmd() {
    return cmd;
  }

  /** The image's {@code Env} as {@code NAME=value} entries, in image order. */
  public List<String> env() {
    return env;
  }

  /** The image's {@code WorkingDir}, if set and non-empty. */
  public Optional<String> workingDir() {
    return Optional.ofNullable(workingDir);
  }

  /** The image's {@code User}, if set and non-empty. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The image's {@code StopSignal}, if set, e.g. {@code SIGQUIT}. */
  public Optional<String> stopSignal() {
    return Optional.ofNullable(stopSignal);
  }

  @Override
  public String toString() {
    return "ImageDefaults{entrypoint=" + entrypoint + ", cmd=" + cmd + ", env=" + env
        + ", workingDir=" + workingDir + ", user=" + user + ", stopSignal=" + stopSignal + "}";
  }

  /** Builds {@link ImageDefaults}; each setting may be made once. Not thread-safe. */
  public static final class Builder {
    private List<String> entrypoint;
    private List<String> cmd;
    private List<String> env;
    private String workingDir;
    private String user;
    private String stopSignal;

    private Builder() {}

    public Builder entrypoint(List<String> entrypoint) {
      this.entrypoint = Checks.once(this.entrypoint, Checks.strings(entrypoint, "entrypoint"),
          "entrypoint");
      return this;
    }

    public Builder cmd(List<String> cmd) {
      this.cmd = Checks.once(this.cmd, Checks.strings(cmd, "cmd"), "cmd");
      return this;
    }

    /** The image's environment as {@code NAME=value} entries. */
    public Builder env(List<String> env) {
      List<String> copy = Checks.strings(env, "env");
      copy.forEach(Checks::envEntry);
      this.env = Checks.once(this.env, copy, "env");
      return this;
    }

    /** The image's working directory; an empty string means unset, as in image configs. */
    public Builder workingDir(String workingDir) {
      String value = Checks.noNul(workingDir, "workingDir");
      this.workingDir = Checks.once(this.workingDir, value, "workingDir");
      if (value.isEmpty()) {
        this.workingDir = null;
      }
      return this;
    }

    /** The image's user; an empty string means unset, as in image configs. */
    public Builder user(String user) {
      String value = Checks.noNul(user, "user");
      this.user = Checks.once(this.user, value, "user");
      if (value.isEmpty()) {
        this.user = null;
      }
      return this;
    }

    /** The image's stop signal, e.g. {@code SIGTERM}, {@code TERM} or {@code 15}. */
    public Builder stopSignal(String stopSignal) {
      String value = Checks.noNul(stopSignal, "stopSignal");
      if (!value.isEmpty()) {
        Signals.number(value);
      }
      this.stopSignal = Checks.once(this.stopSignal, value, "stopSignal");
      if (value.isEmpty()) {
        this.stopSignal = null;
      }
      return this;
    }

    public ImageDefaults build() {
      return new ImageDefaults(this);
    }
  }
}

package io.berth.oci;

import io.berth.oci.internal.Checks;
import io.berth.oci.internal.spec.UserSpec;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A process to run inside a running container. Unset settings come from the container's own
 * process: its user, working directory and capabilities; the environment is the container's
 * with these variables added or replaced.
 *
 * <p>Immutable apart from the stdin stream, which one exec consumes; share a request between
 * threads only without stdin.
 */
public final class ExecRequest {
  private final List<String> command;
  private final Map<String, String> env;
  private final String user;
  private final ContainerPath workingDir;
  private final boolean privileged;
  private final boolean tty;
  private final InputStream stdin;

  private ExecRequest(Builder b) {
    this.command = b.command;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.user = b.user;
    this.workingDir = b.workingDir;
    this.privileged = Boolean.TRUE.equals(b.privileged);
    this.tty = Boolean.TRUE.equals(b.tty);
    this.stdin = b.stdin;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> command() {
    return command;
  }

  public Map<String, String> env() {
    return env;
  }

  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  public Optional<ContainerPath> workingDir() {
    return Optional.ofNullable(workingDir);
  }

  public boolean privileged() {
    return privileged;
  }

  public boolean tty() {
    return tty;
  }

  /** What the process reads as stdin; empty means stdin is at end-of-file at once. */
  public Optional<InputStream> stdin() {
    return Optional.ofNullable(stdin);
  }

  @Override
  public String toString() {
    return "ExecRequest{command=" + command + ", user=" + user + ", workingDir=" + workingDir
        + ", privileged=" + privileged + ", tty=" + tty + "}";
  }

  /** Builds an {@link ExecRequest}; the command is required, each setting once. Not thread-safe. */
  public static final class Builder {
    private List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String user;
    private ContainerPath workingDir;
    private Boolean privileged;
    private Boolean tty;
    private InputStream stdin;

    private Builder() {}

    public Builder command(List<String> command) {
      List<String> copy = Checks.strings(command, "command");
      if (copy.isEmpty()) {
        throw new IllegalArgumentException("command must not be empty");
      }
      this.command = Checks.once(this.command, copy, "command");
      return this;
    }

    public Builder command(String... command) {
      return command(List.of(command));
    }

    public Builder env(String name, String value) {
      Checks.envName(name);
      Checks.noNul(value, "value of environment variable " + name);
      if (env.containsKey(name)) {
        throw new IllegalArgumentException("environment variable " + name + " is set twice");
      }
      env.put(name, value);
      return this;
    }

    /** {@code uid}, {@code uid:gid}, {@code name} or {@code name:group} (names from the rootfs). */
    public Builder user(String user) {
      this.user = Checks.once(this.user, UserSpec.parse(user).toString(), "user");
      return this;
    }

    public Builder workingDir(ContainerPath workingDir) {
      Objects.requireNonNull(workingDir, "workingDir");
      if (workingDir.startsWith(ContainerPath.of("/proc"))) {
        throw new IllegalArgumentException("working directory " + workingDir
            + " is under /proc; choose a directory of the container's filesystem");
      }
      this.workingDir = Checks.once(this.workingDir, workingDir, "workingDir");
      return this;
    }

    /** Gives the process every capability. */
    public Builder privileged(boolean privileged) {
      this.privileged = Checks.once(this.privileged, privileged, "privileged");
      return this;
    }

    /** Runs the process on a pseudo-terminal. Not supported yet: exec then fails. */
    public Builder tty(boolean tty) {
      this.tty = Checks.once(this.tty, tty, "tty");
      return this;
    }

    /** Feeds this stream to the process's stdin, then closes it. */
    public Builder stdin(InputStream stdin) {
      this.stdin = Checks.once(this.stdin, stdin, "stdin");
      return this;
    }

    public ExecRequest build() {
      if (command == null) {
        throw new IllegalStateException("command is required");
      }
      return new ExecRequest(this);
    }
  }
}

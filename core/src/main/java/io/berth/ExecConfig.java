package io.berth;

import io.berth.oci.ContainerPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process to run in a running container. Immutable; build with {@link #builder()}. Settings
 * left unset come from the container (its env, user and working directory).
 */
public final class ExecConfig {
  private final List<String> command;
  private final Map<String, String> env;
  private final String user;
  private final ContainerPath workingDir;
  private final boolean privileged;
  private final boolean tty;

  private ExecConfig(Builder b) {
    this.command = b.command;
    this.env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.user = b.user;
    this.workingDir = b.workingDir;
    this.privileged = Boolean.TRUE.equals(b.privileged);
    this.tty = Boolean.TRUE.equals(b.tty);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Shorthand for a config with only a command. */
  public static ExecConfig of(String... command) {
    return builder().command(command).build();
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

  /** All capabilities for this process, whatever the container has. */
  public boolean privileged() {
    return privileged;
  }

  public boolean tty() {
    return tty;
  }

  /** Builds an {@link ExecConfig}; each single-valued setting once. Not thread-safe. */
  public static final class Builder {
    private List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String user;
    private ContainerPath workingDir;
    private Boolean privileged;
    private Boolean tty;

    private Builder() {}

    public Builder command(String... command) {
      return command(List.of(command));
    }

    public Builder command(List<String> command) {
      Settings.once(this.command, "command");
      this.command = Settings.args(command, "command");
      return this;
    }

    public Builder env(String name, String value) {
      Settings.envEntry(name, value);
      if (env.putIfAbsent(name, value) != null) {
        throw new IllegalStateException("env " + name + " is already set");
      }
      return this;
    }

    public Builder user(String user) {
      Settings.once(this.user, "user");
      this.user = Settings.user(user);
      return this;
    }

    public Builder workingDir(String path) {
      return workingDir(ContainerPath.of(path));
    }

    public Builder workingDir(ContainerPath path) {
      Settings.once(workingDir, "workingDir");
      this.workingDir = Settings.workingDir(path);
      return this;
    }

    public Builder privileged(boolean privileged) {
      Settings.once(this.privileged, "privileged");
      this.privileged = privileged;
      return this;
    }

    public Builder tty(boolean tty) {
      Settings.once(this.tty, "tty");
      this.tty = tty;
      return this;
    }

    /** @throws IllegalStateException if no command was set */
    public ExecConfig build() {
      if (command == null) {
        throw new IllegalStateException("an exec needs a command: call command(..)");
      }
      return new ExecConfig(this);
    }
  }
}

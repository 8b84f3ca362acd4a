package io.berth;

import io.berth.oci.BindMount;
import io.berth.oci.ContainerPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * What a container should be: its image, command and process settings. Immutable and safe to
 * share; build one with {@link #builder()}. Settings the image also has (entrypoint, command,
 * environment, working directory, user, stop signal) override the image's when set here.
 */
public final class ContainerConfig {
  /** Longest container name accepted. */
  public static final int MAX_NAME_LENGTH = 128;
  /** The stop timeout used when none is set, as in the reference design. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HOSTNAME =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");

  private final String image;
  private final String name;
  private final List<String> command;
  private final List<String> entrypoint;
  private final Map<String, String> env;
  private final ContainerPath workingDir;
  private final String user;
  private final String hostname;
  private final Integer stopSignal;
  private final Duration stopTimeout;
  private final List<BindMount> bindMounts;
  private final Map<String, String> labels;
  private final Map<String, String> annotations;
  private final boolean privileged;
  private final boolean readOnlyRootfs;
  private final boolean stdin;
  private final boolean hostNetwork;

  private ContainerConfig(Builder b) {
    this.image = b.image;
    this.name = b.name;
    this.command = b.command;
    this.entrypoint = b.entrypoint;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.workingDir = b.workingDir;
    this.user = b.user;
    this.hostname = b.hostname;
    this.stopSignal = b.stopSignal;
    this.stopTimeout = b.stopTimeout == null ? DEFAULT_STOP_TIMEOUT : b.stopTimeout;
    this.bindMounts = List.copyOf(b.bindMounts);
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(b.annotations));
    this.privileged = Boolean.TRUE.equals(b.privileged);
    this.readOnlyRootfs = Boolean.TRUE.equals(b.readOnlyRootfs);
    this.stdin = Boolean.TRUE.equals(b.stdin);
    this.hostNetwork = Boolean.TRUE.equals(b.hostNetwork);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The image name or id the container is created from. */
  public String image() {
    return image;
  }

  /** The requested name; a name is generated when empty. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** Arguments that replace the image's Cmd, when set. */
  public Optional<List<String>> command() {
    return Optional.ofNullable(command);
  }

  /** The entrypoint that replaces the image's, when set. */
  public Optional<List<String>> entrypoint() {
    return Optional.ofNullable(entrypoint);
  }

  /** Environment variables added to (and overriding) the image's, in the order given. */
  public Map<String, String> env() {
    return env;
  }

  public Optional<ContainerPath> workingDir() {
    return Optional.ofNullable(workingDir);
  }

  /** {@code uid}, {@code uid:gid}, {@code name} or {@code name:group}, resolved in the rootfs. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  public Optional<String> hostname() {
    return Optional.ofNullable(hostname);
  }

  /** The signal {@code stop()} sends first; the image's StopSignal or SIGTERM when empty. */
  public OptionalInt stopSignal() {
    return stopSignal == null ? OptionalInt.empty() : OptionalInt.of(stopSignal);
  }

  /** How long {@code stop()} waits after the stop signal before SIGKILL. */
  public Duration stopTimeout() {
    return stopTimeout;
  }

  public List<BindMount> bindMounts() {
    return bindMounts;
  }

  public Map<String, String> labels() {
    return labels;
  }

  /** OCI annotations passed to the runtime in config.json. */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** All capabilities and devices; for trusted workloads only. */
  public boolean privileged() {
    return privileged;
  }

  public boolean readOnlyRootfs() {
    return readOnlyRootfs;
  }

  /** Keep the container's stdin open, so {@code attach} can write to it. */
  public boolean stdin() {
    return stdin;
  }

  /** Share the host's network namespace instead of an isolated one with loopback only. */
  public boolean hostNetwork() {
    return hostNetwork;
  }

  @Override
  public String toString() {
    return "ContainerConfig{image=" + image + ", name=" + name + ", command=" + command
        + ", entrypoint=" + entrypoint + "}";
  }

  /**
   * Builds a {@link ContainerConfig}. Each single-valued setting may be given once; bad values
   * are refused when set, with the reason. Not thread-safe.
   */
  public static final class Builder {
    private String image;
    private String name;
    private List<String> command;
    private List<String> entrypoint;
    private final Map<String, String> env = new LinkedHashMap<>();
    private ContainerPath workingDir;
    private String user;
    private String hostname;
    private Integer stopSignal;
    private Duration stopTimeout;
    private final List<BindMount> bindMounts = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private Boolean privileged;
    private Boolean readOnlyRootfs;
    private Boolean stdin;
    private Boolean hostNetwork;

    private Builder() {}

    /** The image, by name (normalised like {@code busybox} → docker.io/library/busybox:latest) or id. */
    public Builder image(String nameOrId) {
      Settings.once(image, "image");
      Settings.requireText(nameOrId, "image");
      this.image = nameOrId;
      return this;
    }

    /**
     * The container's unique name: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}, at most
     * {@value #MAX_NAME_LENGTH} characters, and not a 64-hex-digit id.
     */
    public Builder name(String name) {
      Settings.once(this.name, "name");
      Objects.requireNonNull(name, "name");
      if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid container name '" + name + "': use letters,"
            + " digits, '_', '.', '-', starting with a letter or digit, at most "
            + MAX_NAME_LENGTH + " characters");
      }
      if (FULL_ID.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid container name '" + name
            + "': it looks like a container id; choose a name that is not 64 hex digits");
      }
      this.name = name;
      return this;
    }

    public Builder command(String... command) {
      return command(List.of(command));
    }

    /** Replaces the image's Cmd. */
    public Builder command(List<String> command) {
      Settings.once(this.command, "command");
      this.command = Settings.args(command, "command");
      return this;
    }

    public Builder entrypoint(String... entrypoint) {
      return entrypoint(List.of(entrypoint));
    }

    /** Replaces the image's Entrypoint; then the image's Cmd is dropped unless command is set. */
    public Builder entrypoint(List<String> entrypoint) {
      Settings.once(this.entrypoint, "entrypoint");
      this.entrypoint = Settings.args(entrypoint, "entrypoint");
      return this;
    }

    /** Adds one environment variable; each name once. */
    public Builder env(String name, String value) {
      Settings.envEntry(name, value);
      if (env.putIfAbsent(name, value) != null) {
        throw new IllegalStateException("env " + name + " is already set");
      }
      return this;
    }

    public Builder env(Map<String, String> variables) {
      variables.forEach(this::env);
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

    public Builder user(String user) {
      Settings.once(this.user, "user");
      this.user = Settings.user(user);
      return this;
    }

    public Builder hostname(String hostname) {
      Settings.once(this.hostname, "hostname");
      Objects.requireNonNull(hostname, "hostname");
      if (hostname.length() > 64 || !HOSTNAME.matcher(hostname).matches()) {
        throw new IllegalArgumentException("invalid hostname '" + hostname
            + "': use at most 64 letters, digits, '-' and '.'");
      }
      this.hostname = hostname;
      return this;
    }

    /** The signal number {@code stop()} sends first, 1 to 64. */
    public Builder stopSignal(int signal) {
      Settings.once(stopSignal, "stopSignal");
      this.stopSignal = Settings.signal(signal);
      return this;
    }

    /** How long {@code stop()} waits before SIGKILL; zero means SIGKILL at once. */
    public Builder stopTimeout(Duration timeout) {
      Settings.once(stopTimeout, "stopTimeout");
      this.stopTimeout = Settings.nonNegative(timeout, "stopTimeout");
      return this;
    }

    /** Bind-mounts a host path; the host path must exist when the container is initialised. */
    public Builder bindMount(BindMount mount) {
      Objects.requireNonNull(mount, "mount");
      for (BindMount existing : bindMounts) {
        if (existing.destination().equals(mount.destination())) {
          throw new IllegalStateException("two bind mounts on " + mount.destination());
        }
      }
      bindMounts.add(mount);
      return this;
    }

    public Builder label(String key, String value) {
      Settings.putOnce(labels, key, value, "label");
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      labels.forEach(this::label);
      return this;
    }

    public Builder annotation(String key, String value) {
      Settings.putOnce(annotations, key, value, "annotation");
      return this;
    }

    public Builder privileged(boolean privileged) {
      Settings.once(this.privileged, "privileged");
      this.privileged = privileged;
      return this;
    }

    public Builder readOnlyRootfs(boolean readOnly) {
      Settings.once(this.readOnlyRootfs, "readOnlyRootfs");
      this.readOnlyRootfs = readOnly;
      return this;
    }

    public Builder stdin(boolean keepOpen) {
      Settings.once(this.stdin, "stdin");
      this.stdin = keepOpen;
      return this;
    }

    public Builder hostNetwork(boolean host) {
      Settings.once(this.hostNetwork, "hostNetwork");
      this.hostNetwork = host;
      return this;
    }

    /** @throws IllegalStateException if no image was set */
    public ContainerConfig build() {
      if (image == null) {
        throw new IllegalStateException("a container needs an image: call image(..)");
      }
      return new ContainerConfig(this);
    }
  }
}

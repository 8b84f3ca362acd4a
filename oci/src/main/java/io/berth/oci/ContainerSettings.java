package io.berth.oci;

import io.berth.oci.internal.Checks;
import io.berth.oci.internal.spec.UserSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a container asks for, on top of its image's {@link ImageDefaults}: the rootfs, the
 * process (entrypoint, command, env, working directory, user), isolation (network,
 * capabilities, privileged, read-only rootfs), mounts, limits and annotations.
 * {@link Bundle#write} turns it into a runtime-spec {@code config.json}.
 *
 * <p>Entrypoint and command follow Docker's rules: an explicit {@link Builder#entrypoint}
 * replaces the image's entrypoint and drops the image's cmd unless {@link Builder#command} is
 * given too; a {@link Builder#command} alone replaces only the image's cmd.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ContainerSettings {
  private static final Pattern HOSTNAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern CAPABILITY = Pattern.compile("CAP_[A-Z_]+");
  private static final ContainerPath PROC = ContainerPath.of("/proc");

  private final Path rootfs;
  private final List<String> entrypoint;
  private final List<String> command;
  private final Map<String, String> env;
  private final ContainerPath workingDir;
  private final String user;
  private final String hostname;
  private final boolean privileged;
  private final boolean readOnlyRootfs;
  private final boolean noNewPrivileges;
  private final List<BindMount> bindMounts;
  private final Map<String, String> annotations;
  private final String cgroupsPath;
  private final NetworkMode network;
  private final Map<String, Rlimit> rlimits;
  private final boolean terminal;
  private final boolean stdin;
  private final Set<String> capAdd;
  private final Set<String> capDrop;

  private ContainerSettings(Builder b) {
    this.rootfs = b.rootfs;
    this.entrypoint = b.entrypoint;
    this.command = b.command;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.workingDir = b.workingDir;
    this.user = b.user;
    this.hostname = b.hostname;
    this.privileged = Boolean.TRUE.equals(b.privileged);
    this.readOnlyRootfs = Boolean.TRUE.equals(b.readOnlyRootfs);
    this.noNewPrivileges = Boolean.TRUE.equals(b.noNewPrivileges);
    this.bindMounts = List.copyOf(b.bindMounts);
    this.annotations = Collections.unmodifiableMap(new LinkedHashMap<>(b.annotations));
    this.cgroupsPath = b.cgroupsPath;
    this.network = b.network == null ? NetworkMode.NONE : b.network;
    this.rlimits = Collections.unmodifiableMap(new LinkedHashMap<>(b.rlimits));
    this.terminal = Boolean.TRUE.equals(b.terminal);
    this.stdin = Boolean.TRUE.equals(b.stdin);
    this.capAdd = Collections.unmodifiableSet(new LinkedHashSet<>(b.capAdd));
    this.capDrop = Collections.unmodifiableSet(new LinkedHashSet<>(b.capDrop));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The container's root filesystem directory on the host (absolute). */
  public Path rootfs() {
    return rootfs;
  }

  /** The entrypoint the container asks for, replacing the image's; empty if not set. */
  public Optional<List<String>> entrypoint() {
    return Optional.ofNullable(entrypoint);
  }

  /** The command the container asks for, replacing the image's cmd; empty if not set. */
  public Optional<List<String>> command() {
    return Optional.ofNullable(command);
  }

  /** Environment variables that override or extend the image's, in the order given. */
  public Map<String, String> env() {
    return env;
  }

  public Optional<ContainerPath> workingDir() {
    return Optional.ofNullable(workingDir);
  }

  /** {@code uid}, {@code uid:gid}, {@code name} or {@code name:group}; empty = the image's. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  public Optional<String> hostname() {
    return Optional.ofNullable(hostname);
  }

  public boolean privileged() {
    return privileged;
  }

  public boolean readOnlyRootfs() {
    return readOnlyRootfs;
  }

  public boolean noNewPrivileges() {
    return noNewPrivileges;
  }

  public List<BindMount> bindMounts() {
    return bindMounts;
  }

  public Map<String, String> annotations() {
    return annotations;
  }

  /** The runtime-spec {@code linux.cgroupsPath}; empty lets the runtime choose. */
  public Optional<String> cgroupsPath() {
    return Optional.ofNullable(cgroupsPath);
  }

  public NetworkMode network() {
    return network;
  }

  /** Explicit resource limits by type; types not listed get Berth's defaults. */
  public Map<String, Rlimit> rlimits() {
    return rlimits;
  }

  public boolean terminal() {
    return terminal;
  }

  /** Whether the container's stdin stays open for attach. */
  public boolean stdin() {
    return stdin;
  }

  /** Capabilities added to the default set, as {@code CAP_*} names. */
  public Set<String> capAdd() {
    return capAdd;
  }

  /** Capabilities removed from the default set, as {@code CAP_*} names; {@code ALL} drops all. */
  public Set<String> capDrop() {
    return capDrop;
  }

  /**
   * Builds {@link ContainerSettings}. Each single-valued setting may be made once; repeated
   * ones (env, bind mounts, annotations, rlimits, capabilities) reject duplicates. Not
   * thread-safe.
   */
  public static final class Builder {
    private Path rootfs;
    private List<String> entrypoint;
    private List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private ContainerPath workingDir;
    private String user;
    private String hostname;
    private Boolean privileged;
    private Boolean readOnlyRootfs;
    private Boolean noNewPrivileges;
    private final List<BindMount> bindMounts = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private String cgroupsPath;
    private NetworkMode network;
    private final Map<String, Rlimit> rlimits = new LinkedHashMap<>();
    private Boolean terminal;
    private Boolean stdin;
    private final Set<String> capAdd = new LinkedHashSet<>();
    private final Set<String> capDrop = new LinkedHashSet<>();

    private Builder() {}

    /** The mounted root filesystem directory; required. Stored as an absolute path. */
    public Builder rootfs(Path rootfs) {
      this.rootfs = Checks.once(this.rootfs, rootfs.toAbsolutePath().normalize(), "rootfs");
      return this;
    }

    public Builder entrypoint(List<String> entrypoint) {
      this.entrypoint = Checks.once(this.entrypoint, Checks.strings(entrypoint, "entrypoint"),
          "entrypoint");
      return this;
    }

    public Builder entrypoint(String... entrypoint) {
      return entrypoint(List.of(entrypoint));
    }

    public Builder command(List<String> command) {
      this.command = Checks.once(this.command, Checks.strings(command, "command"), "command");
      return this;
    }

    public Builder command(String... command) {
      return command(List.of(command));
    }

    /** Sets one environment variable; the container's value wins over the image's. */
    public Builder env(String name, String value) {
      Checks.envName(name);
      Checks.noNul(value, "value of environment variable " + name);
      if (env.containsKey(name)) {
        throw new IllegalArgumentException("environment variable " + name
            + " is set twice ('" + env.get(name) + "' and '" + value + "')");
      }
      env.put(name, value);
      return this;
    }

    /** Sets every entry of {@code variables} as by {@link #env(String, String)}. */
    public Builder env(Map<String, String> variables) {
      variables.forEach(this::env);
      return this;
    }

    /**
     * The working directory; overrides the image's.
     *
     * @throws IllegalArgumentException for paths under {@code /proc}, which could reach the
     *     host through {@code /proc/self/fd}
     */
    public Builder workingDir(ContainerPath workingDir) {
      Objects.requireNonNull(workingDir, "workingDir");
      if (workingDir.startsWith(PROC)) {
        throw new IllegalArgumentException("working directory " + workingDir
            + " is under /proc; choose a directory of the container's filesystem");
      }
      this.workingDir = Checks.once(this.workingDir, workingDir, "workingDir");
      return this;
    }

    /**
     * The user to run as: {@code uid}, {@code uid:gid}, {@code name} or {@code name:group};
     * names are resolved through the rootfs's {@code /etc/passwd} and {@code /etc/group} when
     * the bundle is written.
     */
    public Builder user(String user) {
      this.user = Checks.once(this.user, UserSpec.parse(user).toString(), "user");
      return this;
    }

    public Builder hostname(String hostname) {
      Objects.requireNonNull(hostname, "hostname");
      if (hostname.length() > 64 || !HOSTNAME.matcher(hostname).matches()) {
        throw new IllegalArgumentException("invalid hostname '" + hostname.replace('\0', '?')
            + "': use at most 64 letters, digits, '-' and '.', not starting or ending with '-'");
      }
      this.hostname = Checks.once(this.hostname, hostname, "hostname");
      return this;
    }

    /** All capabilities, no masked paths, writable /sys, every device allowed. */
    public Builder privileged(boolean privileged) {
      this.privileged = Checks.once(this.privileged, privileged, "privileged");
      return this;
    }

    public Builder readOnlyRootfs(boolean readOnlyRootfs) {
      this.readOnlyRootfs = Checks.once(this.readOnlyRootfs, readOnlyRootfs, "readOnlyRootfs");
      return this;
    }

    public Builder noNewPrivileges(boolean noNewPrivileges) {
      this.noNewPrivileges =
          Checks.once(this.noNewPrivileges, noNewPrivileges, "noNewPrivileges");
      return this;
    }

    /** Adds a bind mount; two mounts on one destination are rejected. */
    public Builder bindMount(BindMount mount) {
      Objects.requireNonNull(mount, "mount");
      for (BindMount m : bindMounts) {
        if (m.destination().equals(mount.destination())) {
          throw new IllegalArgumentException("two bind mounts on " + mount.destination()
              + ": " + m.source() + " and " + mount.source());
        }
      }
      bindMounts.add(mount);
      return this;
    }

    public Builder annotation(String key, String value) {
      Checks.noNul(key, "annotation key");
      Checks.noNul(value, "annotation value");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("annotation key must not be empty");
      }
      if (annotations.containsKey(key)) {
        throw new IllegalArgumentException("annotation " + key + " is set twice");
      }
      annotations.put(key, value);
      return this;
    }

    /** The runtime-spec {@code linux.cgroupsPath}, e.g. {@code /berth/<id>}. */
    public Builder cgroupsPath(String cgroupsPath) {
      Checks.noNul(cgroupsPath, "cgroupsPath");
      if (cgroupsPath.isEmpty() || cgroupsPath.contains("..")) {
        throw new IllegalArgumentException(
            "invalid cgroupsPath '" + cgroupsPath + "': non-empty, without '..'");
      }
      this.cgroupsPath = Checks.once(this.cgroupsPath, cgroupsPath, "cgroupsPath");
      return this;
    }

    public Builder network(NetworkMode network) {
      this.network = Checks.once(this.network, network, "network");
      return this;
    }

    /**
     * Sets a resource limit, e.g. {@code rlimit("nofile", 1024, 4096)}. Limits above the hard
     * limit of the process writing the bundle are lowered to it.
     */
    public Builder rlimit(String type, long soft, long hard) {
      Rlimit limit = new Rlimit(type, soft, hard);
      if (rlimits.containsKey(limit.type())) {
        throw new IllegalArgumentException("rlimit " + limit.type() + " is set twice");
      }
      rlimits.put(limit.type(), limit);
      return this;
    }

    /** Gives the process a pseudo-terminal (stdout and stderr then share one stream). */
    public Builder terminal(boolean terminal) {
      this.terminal = Checks.once(this.terminal, terminal, "terminal");
      return this;
    }

    /** Keeps the container's stdin open so an attach session can write to it. */
    public Builder stdin(boolean stdin) {
      this.stdin = Checks.once(this.stdin, stdin, "stdin");
      return this;
    }

    /** Adds capabilities to the default set, as {@code CAP_NET_RAW} or {@code net_raw}. */
    public Builder capAdd(String... capabilities) {
      for (String c : capabilities) {
        addCapability(capAdd, capDrop, c, "added");
      }
      return this;
    }

    /**
     * Removes capabilities from the default set, as {@code CAP_CHOWN}, {@code chown}, or
     * {@code ALL}.
     */
    public Builder capDrop(String... capabilities) {
      for (String c : capabilities) {
        addCapability(capDrop, capAdd, c, "dropped");
      }
      return this;
    }

    private static void addCapability(Set<String> target, Set<String> other, String cap,
        String verb) {
      Objects.requireNonNull(cap, "capability");
      String name = cap.toUpperCase(Locale.ROOT);
      if (!name.equals("ALL") && !name.startsWith("CAP_")) {
        name = "CAP_" + name;
      }
      if (!name.equals("ALL") && !CAPABILITY.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid capability name '" + cap + "'");
      }
      if (other.contains(name)) {
        throw new IllegalArgumentException("capability " + name + " is both added and dropped");
      }
      if (!target.add(name)) {
        throw new IllegalArgumentException("capability " + name + " is " + verb + " twice");
      }
    }

    /**
     * @throws IllegalStateException if no rootfs was set
     */
    public ContainerSettings build() {
      if (rootfs == null) {
        throw new IllegalStateException("rootfs is required: call rootfs(Path) with the"
            + " container's mounted root filesystem");
      }
      return new ContainerSettings(this);
    }
  }
}

package io.berth.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an image says about how to run it: the {@code config} section of an OCI image config,
 * plus the platform, the layers' diff ids and the history. Immutable and freely shareable;
 * build one with {@link #builder()} or change a copy with {@link #toBuilder()}.
 */
public final class ImageConfig {
  private final List<String> env;
  private final List<String> entrypoint;
  private final List<String> cmd;
  private final Optional<String> workingDir;
  private final Optional<String> user;
  private final Set<String> exposedPorts;
  private final Set<String> volumes;
  private final Map<String, String> labels;
  private final Optional<String> stopSignal;
  private final Optional<String> author;
  private final Optional<Instant> created;
  private final String os;
  private final String architecture;
  private final List<String> diffIds;
  private final List<ImageHistory> history;

  private ImageConfig(Builder b) {
    this.env = List.copyOf(b.env);
    this.entrypoint = List.copyOf(b.entrypoint);
    this.cmd = List.copyOf(b.cmd);
    this.workingDir = Optional.ofNullable(b.workingDir);
    this.user = Optional.ofNullable(b.user);
    this.exposedPorts = Collections.unmodifiableSet(new LinkedHashSet<>(b.exposedPorts));
    this.volumes = Collections.unmodifiableSet(new LinkedHashSet<>(b.volumes));
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.stopSignal = Optional.ofNullable(b.stopSignal);
    this.author = Optional.ofNullable(b.author);
    this.created = Optional.ofNullable(b.created);
    this.os = b.os;
    this.architecture = b.architecture;
    this.diffIds = List.copyOf(b.diffIds);
    this.history = List.copyOf(b.history);
  }

  /** A builder for an empty config: no command, no env, {@code linux} on this host's CPU. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this config; each setting may then be made once. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.env.addAll(env);
    b.entrypoint.addAll(entrypoint);
    b.cmd.addAll(cmd);
    b.workingDir = workingDir.orElse(null);
    b.user = user.orElse(null);
    b.exposedPorts.addAll(exposedPorts);
    b.volumes.addAll(volumes);
    b.labels.putAll(labels);
    b.stopSignal = stopSignal.orElse(null);
    b.author = author.orElse(null);
    b.created = created.orElse(null);
    b.os = os;
    b.architecture = architecture;
    b.diffIds.addAll(diffIds);
    b.history.addAll(history);
    return b;
  }

  /** Environment entries, {@code NAME=value}, in order. */
  public List<String> env() {
    return env;
  }

  public List<String> entrypoint() {
    return entrypoint;
  }

  public List<String> cmd() {
    return cmd;
  }

  public Optional<String> workingDir() {
    return workingDir;
  }

  /** {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}, as the image says. */
  public Optional<String> user() {
    return user;
  }

  /** Ports like {@code 80/tcp}. */
  public Set<String> exposedPorts() {
    return exposedPorts;
  }

  /** Paths the image declares as volumes. */
  public Set<String> volumes() {
    return volumes;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public Optional<String> stopSignal() {
    return stopSignal;
  }

  public Optional<String> author() {
    return author;
  }

  public Optional<Instant> created() {
    return created;
  }

  /** Operating system, like {@code linux}. */
  public String os() {
    return os;
  }

  /** CPU architecture in OCI/Go spelling, like {@code amd64} or {@code arm64}. */
  public String architecture() {
    return architecture;
  }

  /** The layers' diff ids ({@code sha256:...}), bottom to top. */
  public List<String> diffIds() {
    return diffIds;
  }

  public List<ImageHistory> history() {
    return history;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ImageConfig)) {
      return false;
    }
    ImageConfig c = (ImageConfig) o;
    return env.equals(c.env) && entrypoint.equals(c.entrypoint) && cmd.equals(c.cmd)
        && workingDir.equals(c.workingDir) && user.equals(c.user)
        && exposedPorts.equals(c.exposedPorts) && volumes.equals(c.volumes)
        && labels.equals(c.labels) && stopSignal.equals(c.stopSignal)
        && author.equals(c.author) && created.equals(c.created) && os.equals(c.os)
        && architecture.equals(c.architecture) && diffIds.equals(c.diffIds)
        && history.equals(c.history);
  }

  @Override
  public int hashCode() {
    return Objects.hash(env, entrypoint, cmd, workingDir, user, exposedPorts, volumes, labels,
        stopSignal, author, created, os, architecture, diffIds, history);
  }

  @Override
  public String toString() {
    return "ImageConfig{env=" + env + ", entrypoint=" + entrypoint + ", cmd=" + cmd
        + ", workingDir=" + workingDir.orElse("") + ", user=" + user.orElse("")
        + ", exposedPorts=" + exposedPorts + ", labels=" + labels + ", stopSignal="
        + stopSignal.orElse("") + ", os=" + os + ", architecture=" + architecture
        + ", diffIds=" + diffIds + "}";
  }

  /** The OCI name of the CPU this JVM runs on ({@code amd64}, {@code arm64}, ...). */
  static String hostArchitecture() {
    String arch = System.getProperty("os.arch", "");
    switch (arch) {
      case "amd64":
      case "x86_64":
        return "amd64";
      case "aarch64":
        return "arm64";
      case "x86":
      case "i386":
      case "i686":
        return "386";
      case "ppc64le":
        return "ppc64le";
      case "s390x":
        return "s390x";
      case "riscv64":
        return "riscv64";
      default:
        return arch.isEmpty() ? "unknown" : arch;
    }
  }

  /**
   * Builds an {@link ImageConfig}. Each setting may be made once per builder (a repeated one
   * throws {@link IllegalStateException}); not thread-safe.
   */
  public static final class Builder {
    private final List<String> env = new ArrayList<>();
    private final List<String> entrypoint = new ArrayList<>();
    private final List<String> cmd = new ArrayList<>();
    private String workingDir;
    private String user;
    private final Set<String> exposedPorts = new LinkedHashSet<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String stopSignal;
    private String author;
    private Instant created;
    private String os = "linux";
    private String architecture = hostArchitecture();
    private final List<String> diffIds = new ArrayList<>();
    private final List<ImageHistory> history = new ArrayList<>();
    private final Set<String> made = new HashSet<>();

    private Builder() {}

    private void once(String setting) {
      Checks.once(!made.add(setting), setting);
    }

    /** Replaces the environment; entries are {@code NAME=value} with a non-empty name. */
    public Builder env(List<String> env) {
      once("env");
      List<String> copy = Checks.strings(env, "env");
      for (String e : copy) {
        int eq = e.indexOf('=');
        if (eq == 0 || e.isEmpty()) {
          throw new IllegalArgumentException("env entry '" + e + "' has an empty name;"
              + " entries are NAME=value");
        }
      }
      this.env.clear();
      this.env.addAll(copy);
      return this;
    }

    public Builder entrypoint(List<String> entrypoint) {
      once("entrypoint");
      List<String> copy = Checks.strings(entrypoint, "entrypoint");
      this.entrypoint.clear();
      this.entrypoint.addAll(copy);
      return this;
    }

    public Builder cmd(List<String> cmd) {
      once("cmd");
      List<String> copy = Checks.strings(cmd, "cmd");
      this.cmd.clear();
      this.cmd.addAll(copy);
      return this;
    }

    /** Sets or (with {@code null}) clears the working directory. */
    public Builder workingDir(String workingDir) {
      once("workingDir");
      this.workingDir = workingDir == null ? null : Checks.text(workingDir, "workingDir");
      return this;
    }

    /** Sets or (with {@code null}) clears the user. */
    public Builder user(String user) {
      once("user");
      this.user = user == null ? null : Checks.text(user, "user");
      return this;
    }

    public Builder exposedPorts(Set<String> ports) {
      once("exposedPorts");
      Objects.requireNonNull(ports, "ports");
      this.exposedPorts.clear();
      for (String p : ports) {
        this.exposedPorts.add(Checks.text(p, "exposed port"));
      }
      return this;
    }

    public Builder volumes(Set<String> volumes) {
      once("volumes");
      Objects.requireNonNull(volumes, "volumes");
      this.volumes.clear();
      for (String v : volumes) {
        this.volumes.add(Checks.text(v, "volume"));
      }
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      once("labels");
      Objects.requireNonNull(labels, "labels");
      this.labels.clear();
      labels.forEach((k, v) -> this.labels.put(Checks.text(k, "label key"),
          Objects.requireNonNull(v, "label value")));
      return this;
    }

    public Builder stopSignal(String stopSignal) {
      once("stopSignal");
      this.stopSignal = stopSignal == null ? null : Checks.text(stopSignal, "stopSignal");
      return this;
    }

    public Builder author(String author) {
      once("author");
      this.author = author == null ? null : Checks.text(author, "author");
      return this;
    }

    public Builder created(Instant created) {
      once("created");
      this.created = created;
      return this;
    }

    public Builder os(String os) {
      once("os");
      this.os = Checks.text(os, "os");
      return this;
    }

    public Builder architecture(String architecture) {
      once("architecture");
      this.architecture = Checks.text(architecture, "architecture");
      return this;
    }

    /** The layers' diff ids, {@code sha256:...}, bottom to top. */
    public Builder diffIds(List<String> diffIds) {
      once("diffIds");
      Objects.requireNonNull(diffIds, "diffIds");
      this.diffIds.clear();
      for (String d : diffIds) {
        this.diffIds.add(Checks.digest(d, "diff id"));
      }
      return this;
    }

    public Builder history(List<ImageHistory> history) {
      once("history");
      Objects.requireNonNull(history, "history");
      this.history.clear();
      for (ImageHistory h : history) {
        this.history.add(Objects.requireNonNull(h, "history entry"));
      }
      return this;
    }

    public ImageConfig build() {
      return new ImageConfig(this);
    }
  }
}

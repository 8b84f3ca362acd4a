package io.berth.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Changes to an image config, like podman's {@code --change}: applied on top of an empty config
 * by {@link Store#importRootfs} and on top of the image's config by {@link Store#commit}.
 * Immutable.
 */
public final class ConfigChanges {
  private final Optional<List<String>> cmd;
  private final Optional<List<String>> entrypoint;
  private final Map<String, String> env;
  private final Optional<String> workingDir;
  private final Optional<String> user;
  private final Map<String, String> labels;
  private final Set<String> exposedPorts;
  private final Optional<String> stopSignal;

  private ConfigChanges(Builder b) {
    this.cmd = Optional.ofNullable(b.cmd).map(List::copyOf);
    this.entrypoint = Optional.ofNullable(b.entrypoint).map(List::copyOf);
    this.env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.workingDir = Optional.ofNullable(b.workingDir);
    this.user = Optional.ofNullable(b.user);
    this.labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.exposedPorts = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.exposedPorts));
    this.stopSignal = Optional.ofNullable(b.stopSignal);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** No changes at all. */
  public static ConfigChanges none() {
    return new Builder().build();
  }

  public Optional<List<String>> cmd() {
    return cmd;
  }

  public Optional<List<String>> entrypoint() {
    return entrypoint;
  }

  /** Variables to set (replacing a variable of the same name), in order. */
  public Map<String, String> env() {
    return env;
  }

  public Optional<String> workingDir() {
    return workingDir;
  }

  public Optional<String> user() {
    return user;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public Set<String> exposedPorts() {
    return exposedPorts;
  }

  public Optional<String> stopSignal() {
    return stopSignal;
  }

  /** True when nothing would change. */
  public boolean isEmpty() {
    return cmd.isEmpty() && entrypoint.isEmpty() && env.isEmpty() && workingDir.isEmpty()
        && user.isEmpty() && labels.isEmpty() && exposedPorts.isEmpty() && stopSignal.isEmpty();
  }

  /** Returns {@code base} with these changes applied. */
  public ImageConfig applyTo(ImageConfig base) {
    ImageConfig.Builder b = base.toBuilder();
    cmd.ifPresent(b::cmd);
    entrypoint.ifPresent(b::entrypoint);
    if (!env.isEmpty()) {
      List<String> merged = new ArrayList<>();
      for (String e : base.env()) {
        int eq = e.indexOf('=');
        String name = eq < 0 ? e : e.substring(0, eq);
        if (!env.containsKey(name)) {
          merged.add(e);
        }
      }
      env.forEach((k, v) -> merged.add(k + "=" + v));
      b.env(merged);
    }
    workingDir.ifPresent(b::workingDir);
    user.ifPresent(b::user);
    if (!labels.isEmpty()) {
      Map<String, String> merged = new LinkedHashMap<>(base.labels());
      merged.putAll(labels);
      b.labels(merged);
    }
    if (!exposedPorts.isEmpty()) {
      Set<String> merged = new LinkedHashSet<>(base.exposedPorts());
      merged.addAll(exposedPorts);
      b.exposedPorts(merged);
    }
    stopSignal.ifPresent(b::stopSignal);
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConfigChanges)) {
      return false;
    }
    ConfigChanges c = (ConfigChanges) o;
    return cmd.equals(c.cmd) && entrypoint.equals(c.entrypoint) && env.equals(c.env)
        && workingDir.equals(c.workingDir) && user.equals(c.user) && labels.equals(c.labels)
        && exposedPorts.equals(c.exposedPorts) && stopSignal.equals(c.stopSignal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cmd, entrypoint, env, workingDir, user, labels, exposedPorts, stopSignal);
  }

  @Override
  public String toString() {
    return "ConfigChanges{cmd=" + cmd + ", entrypoint=" + entrypoint + ", env=" + env
        + ", workingDir=" + workingDir + ", user=" + user + ", labels=" + labels
        + ", exposedPorts=" + exposedPorts + ", stopSignal=" + stopSignal + "}";
  }

  /**
   * Builds {@link ConfigChanges}. Single-valued settings may be made once; {@code env},
   * {@code label} and {@code exposedPort} may be called many times, each name once. Not
   * thread-safe.
   */
  public static final class Builder {
    private List<String> cmd;
    private List<String> entrypoint;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String workingDir;
    private String user;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Set<String> exposedPorts = new LinkedHashSet<>();
    private String stopSignal;
    private final Set<String> made = new HashSet<>();

    private Builder() {}

    private void once(String setting) {
      Checks.once(!made.add(setting), setting);
    }

    public Builder cmd(List<String> cmd) {
      once("cmd");
      this.cmd = Checks.strings(cmd, "cmd");
      return this;
    }

    public Builder entrypoint(List<String> entrypoint) {
      once("entrypoint");
      this.entrypoint = Checks.strings(entrypoint, "entrypoint");
      return this;
    }

    /** Sets one environment variable; the name must be non-empty and free of {@code =}. */
    public Builder env(String name, String value) {
      Checks.text(name, "env name");
      Objects.requireNonNull(value, "env value");
      if (name.indexOf('=') >= 0) {
        throw new IllegalArgumentException("env name '" + name + "' must not contain '='");
      }
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("env value of " + name + " contains a NUL character");
      }
      Checks.once(env.containsKey(name), "env " + name);
      env.put(name, value);
      return this;
    }

    /** Sets the working directory: an absolute path. */
    public Builder workingDir(String workingDir) {
      once("workingDir");
      Checks.text(workingDir, "workingDir");
      if (!workingDir.startsWith("/")) {
        throw new IllegalArgumentException("workingDir must be an absolute path inside the"
            + " container, got '" + workingDir + "'");
      }
      this.workingDir = workingDir;
      return this;
    }

    public Builder user(String user) {
      once("user");
      this.user = Checks.text(user, "user");
      return this;
    }

    public Builder label(String key, String value) {
      Checks.text(key, "label key");
      Objects.requireNonNull(value, "label value");
      Checks.once(labels.containsKey(key), "label " + key);
      labels.put(key, value);
      return this;
    }

    /** Adds an exposed port: {@code 80}, {@code 80/tcp} or {@code 53/udp}. */
    public Builder exposedPort(String port) {
      Checks.text(port, "exposed port");
      if (!port.matches("[0-9]{1,5}(/(tcp|udp|sctp))?")) {
        throw new IllegalArgumentException("exposed port must look like 80, 80/tcp or 53/udp,"
            + " got '" + port + "'");
      }
      String normalised = port.contains("/") ? port : port + "/tcp";
      Checks.once(exposedPorts.contains(normalised), "exposedPort " + normalised);
      exposedPorts.add(normalised);
      return this;
    }

    public Builder stopSignal(String stopSignal) {
      once("stopSignal");
      this.stopSignal = Checks.text(stopSignal, "stopSignal");
      return this;
    }

    public ConfigChanges build() {
      return new ConfigChanges(this);
    }
  }
}

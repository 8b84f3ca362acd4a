package io.berth.internal;

import io.berth.ContainerConfig;
import io.berth.oci.BindMount;
import io.berth.oci.ContainerPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ContainerConfig} as stored in the {@code config} JSON column. Kept apart from the
 * public class so the stored format can change only on purpose.
 */
final class StoredConfig {
  String image;
  String name;
  List<String> command;
  List<String> entrypoint;
  Map<String, String> env;
  String workingDir;
  String user;
  String hostname;
  Integer stopSignal;
  long stopTimeoutMillis;
  List<Mount> bindMounts;
  Map<String, String> labels;
  Map<String, String> annotations;
  boolean privileged;
  boolean readOnlyRootfs;
  boolean stdin;
  boolean hostNetwork;

  static final class Mount {
    String source;
    String destination;
    boolean readOnly;
  }

  /** The stored form of {@code config}, with the name the container actually got. */
  static StoredConfig of(ContainerConfig config, String actualName) {
    StoredConfig s = new StoredConfig();
    s.image = config.image();
    s.name = actualName;
    s.command = config.command().orElse(null);
    s.entrypoint = config.entrypoint().orElse(null);
    s.env = new LinkedHashMap<>(config.env());
    s.workingDir = config.workingDir().map(ContainerPath::toString).orElse(null);
    s.user = config.user().orElse(null);
    s.hostname = config.hostname().orElse(null);
    s.stopSignal = config.stopSignal().isPresent() ? config.stopSignal().getAsInt() : null;
    s.stopTimeoutMillis = config.stopTimeout().toMillis();
    s.bindMounts = new ArrayList<>();
    for (BindMount m : config.bindMounts()) {
      Mount stored = new Mount();
      stored.source = m.source().toString();
      stored.destination = m.destination().toString();
      stored.readOnly = m.readOnly();
      s.bindMounts.add(stored);
    }
    s.labels = new LinkedHashMap<>(config.labels());
    s.annotations = new LinkedHashMap<>(config.annotations());
    s.privileged = config.privileged();
    s.readOnlyRootfs = config.readOnlyRootfs();
    s.stdin = config.stdin();
    s.hostNetwork = config.hostNetwork();
    return s;
  }

  ContainerConfig toConfig() {
    ContainerConfig.Builder b = ContainerConfig.builder().image(image).name(name);
    if (command != null) {
      b.command(command);
    }
    if (entrypoint != null) {
      b.entrypoint(entrypoint);
    }
    b.env(env);
    if (workingDir != null) {
      b.workingDir(workingDir);
    }
    if (user != null) {
      b.user(user);
    }
    if (hostname != null) {
      b.hostname(hostname);
    }
    if (stopSignal != null) {
      b.stopSignal(stopSignal);
    }
    b.stopTimeout(Duration.ofMillis(stopTimeoutMillis));
    for (Mount m : bindMounts) {
      b.bindMount(BindMount.of(Path.of(m.source), ContainerPath.of(m.destination), m.readOnly));
    }
    b.labels(labels).privileged(privileged).readOnlyRootfs(readOnlyRootfs).stdin(stdin)
        .hostNetwork(hostNetwork);
    annotations.forEach(b::annotation);
    return b.build();
  }
}

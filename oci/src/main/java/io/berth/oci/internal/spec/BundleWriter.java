package io.berth.oci.internal.spec;

import io.berth.oci.BindMount;
import io.berth.oci.BundleException;
import io.berth.oci.ContainerPath;
import io.berth.oci.ContainerSettings;
import io.berth.oci.ImageDefaults;
import io.berth.oci.InvalidSpecException;
import io.berth.oci.NetworkMode;
import io.berth.oci.Rlimit;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Generates a runtime spec from container settings over image defaults, with podman's
 * defaults for everything the caller leaves open, and writes or reads {@code config.json}.
 */
public final class BundleWriter {
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /** podman's default for RLIMIT_NOFILE and RLIMIT_NPROC, lowered to the caller's hard limit. */
  public static final long DEFAULT_RLIMIT = 1048576;

  public static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/kcore",
      "/proc/keys", "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
      "/proc/timer_list", "/proc/timer_stats", "/sys/devices/virtual/powercap",
      "/sys/firmware", "/sys/fs/selinux", "/proc/interrupts");
  public static final List<String> READONLY_PATHS = List.of("/proc/asound", "/proc/bus",
      "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private BundleWriter() {}

  /**
   * @throws InvalidSpecException if the settings cannot be satisfied
   */
  public static RuntimeSpec generate(ContainerSettings settings, ImageDefaults image) {
    RuntimeSpec spec = new RuntimeSpec();
    Path rootfs = settings.rootfs();
    if (!Files.isDirectory(rootfs)) {
      throw new InvalidSpecException("rootfs " + rootfs + " is not a directory;"
          + " mount the container's filesystem first");
    }
    refuseLinkedMountDirectories(rootfs);
    spec.root.path = rootfs.toString();
    spec.root.readonly = settings.readOnlyRootfs();
    spec.hostname = settings.hostname().orElse(null);

    RuntimeSpec.Process process = spec.process;
    process.terminal = settings.terminal();
    process.args = args(settings, image);
    process.cwd = workingDir(settings, image).toString();

    String userSpec = settings.user().orElse(image.user().orElse("0"));
    UserResolver.ResolvedUser user = UserResolver.resolve(rootfs, userSpec);
    process.user.uid = user.uid();
    process.user.gid = user.gid();
    process.user.additionalGids = user.additionalGids().isEmpty() ? null
        : user.additionalGids().stream().map(Integer::longValue).toList();
    process.env = env(settings, image, user);
    process.capabilities = capabilities(settings.privileged(), user.uid() == 0,
        settings.capAdd(), settings.capDrop());
    process.rlimits = rlimits(settings.rlimits());
    process.noNewPrivileges = settings.noNewPrivileges();

    spec.mounts = mounts(settings);
    if (!settings.annotations().isEmpty()) {
      spec.annotations().putAll(settings.annotations());
    }

    RuntimeSpec.Linux linux = spec.linux;
    for (String ns : List.of("pid", "ipc", "uts", "mount")) {
      linux.namespaces.add(new RuntimeSpec.Namespace(ns));
    }
    if (settings.network() == NetworkMode.NONE) {
      linux.namespaces.add(new RuntimeSpec.Namespace("network"));
    }
    linux.cgroupsPath = settings.cgroupsPath().orElse(null);
    linux.resources = new RuntimeSpec.Resources();
    // Deny every device node except the ones runtimes always allow (null, zero, tty, ...).
    linux.resources.devices.add(new RuntimeSpec.DeviceRule(settings.privileged(), "rwm"));
    if (!settings.privileged()) {
      linux.maskedPaths = MASKED_PATHS;
      linux.readonlyPaths = READONLY_PATHS;
    }
    return spec;
  }

  /**
   * The runtime mounts /dev, /proc and /sys on the rootfs's directories of those names. If the
   * image made one a symlink, runtimes follow it from the host side before the container's
   * root is in place: through a /dev symlink runc 1.1 creates /dev's links (fd, stdin, ptmx,
   * ...) and crun 1.8 also its device nodes (null, zero, tty, ...) in whatever host directory
   * it names. So such a rootfs is refused here, before the runtime sees it; Berth itself
   * writes nothing into a rootfs.
   */
  private static void refuseLinkedMountDirectories(Path rootfs) {
    for (String dir : List.of("dev", "proc", "sys")) {
      Path p = rootfs.resolve(dir);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue; // the runtime makes the directory inside the rootfs
      } catch (IOException e) {
        throw new InvalidSpecException("cannot inspect /" + dir + " of rootfs " + rootfs + ": "
            + e.getMessage(), e);
      }
      if (a.isDirectory()) {
        continue;
      }
      String what = "not a directory";
      if (a.isSymbolicLink()) {
        try {
          what = "a symlink to '" + Files.readSymbolicLink(p) + "'";
        } catch (IOException e) {
          what = "a symlink";
        }
      }
      throw new InvalidSpecException("/" + dir + " in the image (rootfs " + rootfs + ") is "
          + what + "; the OCI runtime mounts /" + dir + " there and could follow it out of"
          + " the rootfs, so Berth refuses this image. Rebuild it with a real /" + dir
          + " directory");
    }
  }

  private static List<String> args(ContainerSettings settings, ImageDefaults image) {
    List<String> entrypoint = settings.entrypoint().orElse(image.entrypoint());
    // Docker's rule: a new entrypoint drops the image's cmd unless a command is given too.
    List<String> cmd = settings.command()
        .orElse(settings.entrypoint().isPresent() ? List.of() : image.cmd());
    List<String> args = new ArrayList<>(entrypoint);
    args.addAll(cmd);
    if (args.isEmpty()) {
      throw new InvalidSpecException("no command to run: the image has neither Entrypoint nor"
          + " Cmd, and the container sets neither entrypoint nor command");
    }
    return List.copyOf(args);
  }

  private static ContainerPath workingDir(ContainerSettings settings, ImageDefaults image) {
    if (settings.workingDir().isPresent()) {
      return settings.workingDir().get();
    }
    if (image.workingDir().isEmpty()) {
      return ContainerPath.ROOT;
    }
    String dir = image.workingDir().get();
    try {
      // Image configs may carry a relative WorkingDir; Docker takes it from the root.
      ContainerPath path = ContainerPath.ROOT.resolve(dir.replaceFirst("^/+", ""));
      if (path.startsWith(ContainerPath.of("/proc"))) {
        throw new IllegalArgumentException("it is under /proc");
      }
      return path;
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException("the image's WorkingDir '" + dir + "' is not usable ("
          + e.getMessage() + "); set a working directory for the container");
    }
  }

  private static List<String> env(ContainerSettings settings, ImageDefaults image,
      UserResolver.ResolvedUser user) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : image.env()) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    env.putAll(settings.env());
    env.putIfAbsent("PATH", DEFAULT_PATH);
    if (settings.terminal()) {
      env.putIfAbsent("TERM", "xterm");
    }
    settings.hostname().ifPresent(h -> env.putIfAbsent("HOSTNAME", h));
    env.putIfAbsent("HOME", user.home().orElse("/"));
    List<String> entries = new ArrayList<>();
    env.forEach((k, v) -> entries.add(k + "=" + v));
    return entries;
  }

  /**
   * podman's capability rules: root gets the set in bounding, effective and permitted; another
   * user gets it only as the bounding set, plus explicitly added capabilities as ambient.
   */
  public static RuntimeSpec.Capabilities capabilities(boolean privileged, boolean root,
      Set<String> add, Set<String> drop) {
    List<String> bounding = CapabilityNames.boundingSet();
    for (String c : add) {
      if (!c.equals("ALL") && !CapabilityNames.ALL.contains(c)) {
        throw new InvalidSpecException("unknown capability " + c + "; known are "
            + CapabilityNames.ALL);
      }
    }
    for (String c : drop) {
      if (!c.equals("ALL") && !CapabilityNames.ALL.contains(c)) {
        throw new InvalidSpecException("unknown capability " + c + "; known are "
            + CapabilityNames.ALL);
      }
    }
    Set<String> caps = new LinkedHashSet<>();
    if (privileged || add.contains("ALL")) {
      caps.addAll(bounding);
    } else if (!drop.contains("ALL")) {
      caps.addAll(CapabilityNames.DEFAULTS);
    }
    caps.addAll(add);
    caps.remove("ALL");
    caps.removeAll(drop);
    caps.retainAll(bounding);
    RuntimeSpec.Capabilities result = new RuntimeSpec.Capabilities();
    result.bounding = List.copyOf(caps);
    if (root || privileged) {
      result.effective = List.copyOf(caps);
      result.permitted = List.copyOf(caps);
    } else {
      List<String> added = add.stream().filter(caps::contains).toList();
      result.effective = added;
      result.permitted = added;
      result.inheritable = added;
      result.ambient = added;
    }
    return result;
  }

  private static List<RuntimeSpec.Rlimit> rlimits(Map<String, Rlimit> requested) {
    Map<String, Rlimit> limits = new LinkedHashMap<>();
    limits.put("RLIMIT_NOFILE", new Rlimit("RLIMIT_NOFILE", DEFAULT_RLIMIT, DEFAULT_RLIMIT));
    limits.put("RLIMIT_NPROC", new Rlimit("RLIMIT_NPROC", DEFAULT_RLIMIT, DEFAULT_RLIMIT));
    limits.putAll(requested);
    List<RuntimeSpec.Rlimit> result = new ArrayList<>();
    for (Rlimit l : limits.values()) {
      OptionalLong cap = HostLimits.hard(l.type());
      long hard = cap.isPresent() ? Math.min(l.hard(), cap.getAsLong()) : l.hard();
      long soft = Math.min(l.soft(), hard);
      result.add(new RuntimeSpec.Rlimit(l.type(), hard, soft));
    }
    return result;
  }

  private static List<RuntimeSpec.Mount> mounts(ContainerSettings settings) {
    boolean priv = settings.privileged();
    List<RuntimeSpec.Mount> mounts = new ArrayList<>(List.of(
        new RuntimeSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
        new RuntimeSpec.Mount("/dev", "tmpfs", "tmpfs",
            List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
        new RuntimeSpec.Mount("/dev/pts", "devpts", "devpts",
            List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
        new RuntimeSpec.Mount("/dev/shm", "tmpfs", "shm",
            List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
        new RuntimeSpec.Mount("/dev/mqueue", "mqueue", "mqueue",
            List.of("nosuid", "noexec", "nodev")),
        new RuntimeSpec.Mount("/sys", "sysfs", "sysfs",
            List.of("nosuid", "noexec", "nodev", priv ? "rw" : "ro")),
        new RuntimeSpec.Mount("/sys/fs/cgroup", "cgroup", "cgroup",
            List.of("rprivate", "nosuid", "noexec", "nodev", "relatime", priv ? "rw" : "ro"))));
    List<BindMount> binds = new ArrayList<>(settings.bindMounts());
    // Parents before children, so a bind inside another bind is not hidden by it.
    binds.sort(Comparator.comparingInt(b -> b.destination().segments().size()));
    for (BindMount b : binds) {
      Path source = b.source().toAbsolutePath().normalize();
      if (!Files.exists(source)) {
        throw new InvalidSpecException("bind mount source " + source + " (for "
            + b.destination() + ") does not exist; create it or remove the mount");
      }
      String dest = b.destination().toString();
      mounts.removeIf(m -> m.destination.equals(dest));
      mounts.add(new RuntimeSpec.Mount(dest, "bind", source.toString(),
          List.of("rbind", b.readOnly() ? "ro" : "rw", "rprivate")));
    }
    return mounts;
  }

  /** Writes config.json atomically: a temp file in the same directory, then a rename. */
  public static void write(Path dir, RuntimeSpec spec) {
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, ".config-", ".json.tmp");
      Files.write(temp, SpecJson.MAPPER.writeValueAsBytes(spec));
      try {
        Files.move(temp, dir.resolve("config.json"), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException e) {
      throw new BundleException("cannot write " + dir.resolve("config.json") + ": " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Best effort: the temp name starts with a dot and is never read.
        }
      }
    }
  }

  /** Reads and parses {@code <dir>/config.json}. */
  public static RuntimeSpec read(Path dir) {
    Path file = dir.resolve("config.json");
    try {
      if (Files.size(file) > SpecJson.MAX_DOCUMENT_BYTES) {
        throw new BundleException(file + " is larger than " + SpecJson.MAX_DOCUMENT_BYTES
            + " bytes; it is not a config.json Berth wrote");
      }
      RuntimeSpec spec = SpecJson.MAPPER.readValue(file.toFile(), RuntimeSpec.class);
      if (spec.process == null || spec.root == null || spec.root.path == null
          || spec.process.args == null) {
        throw new BundleException(file + " lacks process, root.path or process.args");
      }
      return spec;
    } catch (NoSuchFileException e) {
      throw new BundleException("no config.json in bundle " + dir
          + "; write the bundle with Bundle.write first", e);
    } catch (IOException e) {
      throw new BundleException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}

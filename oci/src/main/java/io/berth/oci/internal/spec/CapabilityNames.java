package io.berth.oci.internal.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Linux capability names by number, and the bounding set of this process. */
public final class CapabilityNames {
  /** Index = capability number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE (40). */
  public static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
      "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
      "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
      "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
      "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
      "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
      "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
      "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
      "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

  /** Podman's default set (containers.conf {@code default_capabilities}). */
  public static final List<String> DEFAULTS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
      "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP",
      "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT");

  private static volatile List<String> bounding;

  private CapabilityNames() {}

  /**
   * The capabilities in this process's bounding set ({@code CapBnd} of /proc/self/status):
   * a container cannot get more than that, so "all" means these.
   */
  public static List<String> boundingSet() {
    List<String> b = bounding;
    if (b == null) {
      b = readBoundingSet();
      bounding = b;
    }
    return b;
  }

  private static List<String> readBoundingSet() {
    long mask = -1L;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapBnd:")) {
          mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException e) {
      // Without /proc the runtime will fail anyway; assume every known capability.
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < ALL.size(); i++) {
      if ((mask & (1L << i)) != 0) {
        names.add(ALL.get(i));
      }
    }
    return List.copyOf(names);
  }
}

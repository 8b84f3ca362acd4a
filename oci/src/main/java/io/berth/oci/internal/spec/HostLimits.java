package io.berth.oci.internal.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The hard resource limits of this process, from {@code /proc/self/limits}. A container's
 * limits are clamped to them: without CAP_SYS_RESOURCE the runtime cannot raise a hard limit,
 * and runc and crun then fail to start the container.
 */
public final class HostLimits {
  private static final Map<String, String> LABELS = Map.ofEntries(
      Map.entry("Max cpu time", "RLIMIT_CPU"), Map.entry("Max file size", "RLIMIT_FSIZE"),
      Map.entry("Max data size", "RLIMIT_DATA"), Map.entry("Max stack size", "RLIMIT_STACK"),
      Map.entry("Max core file size", "RLIMIT_CORE"), Map.entry("Max resident set", "RLIMIT_RSS"),
      Map.entry("Max processes", "RLIMIT_NPROC"), Map.entry("Max open files", "RLIMIT_NOFILE"),
      Map.entry("Max locked memory", "RLIMIT_MEMLOCK"),
      Map.entry("Max address space", "RLIMIT_AS"), Map.entry("Max file locks", "RLIMIT_LOCKS"),
      Map.entry("Max pending signals", "RLIMIT_SIGPENDING"),
      Map.entry("Max msgqueue size", "RLIMIT_MSGQUEUE"),
      Map.entry("Max nice priority", "RLIMIT_NICE"),
      Map.entry("Max realtime priority", "RLIMIT_RTPRIO"),
      Map.entry("Max realtime timeout", "RLIMIT_RTTIME"));

  private HostLimits() {}

  /** The hard limit of {@code type} (e.g. RLIMIT_NOFILE); empty if unlimited or unknown. */
  public static OptionalLong hard(String type) {
    Long v = read().get(type);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  private static Map<String, Long> read() {
    Map<String, Long> limits = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        for (Map.Entry<String, String> e : LABELS.entrySet()) {
          if (line.startsWith(e.getKey() + " ")) {
            String[] cols = line.substring(e.getKey().length()).trim().split("\\s+");
            if (cols.length >= 2 && !cols[1].equals("unlimited")) {
              limits.put(e.getValue(), Long.parseLong(cols[1]));
            }
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // No clamping possible; the runtime reports a limit it cannot set.
    }
    return limits;
  }
}

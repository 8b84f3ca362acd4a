package io.berth.oci;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A resource limit for the container's processes.
 *
 * @param type the limit in runtime-spec spelling, e.g. {@code RLIMIT_NOFILE}
 * @param soft the soft limit, at most {@code hard}
 * @param hard the hard limit
 */
public record Rlimit(String type, long soft, long hard) {
  /** The limit names the runtime-spec knows (Linux). */
  public static final Set<String> TYPES = Set.of("RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU",
      "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE",
      "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO",
      "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK");

  public Rlimit {
    Objects.requireNonNull(type, "type");
    String upper = type.toUpperCase(Locale.ROOT);
    type = upper.startsWith("RLIMIT_") ? upper : "RLIMIT_" + upper;
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("unknown rlimit '" + type + "'; use one of "
          + new java.util.TreeSet<>(TYPES));
    }
    if (soft < 0 || hard < 0) {
      throw new IllegalArgumentException(type + ": limits must not be negative (soft " + soft
          + ", hard " + hard + ")");
    }
    if (soft > hard) {
      throw new IllegalArgumentException(
          type + ": soft limit " + soft + " is above the hard limit " + hard);
    }
  }
}

package io.berth.oci.internal;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the public builders, so every one fails the same clear way. */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code value} if {@code current} is still unset.
   *
   * @throws IllegalStateException if the setting was already made
   */
  public static <T> T once(T current, T value, String what) {
    Objects.requireNonNull(value, what);
    if (current != null) {
      throw new IllegalStateException(what + " is already set (to " + current
          + "); set it once");
    }
    return value;
  }

  /** A copy of {@code values} with every element checked to be non-null and free of NULs. */
  public static List<String> strings(List<String> values, String what) {
    Objects.requireNonNull(values, what);
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v == null) {
        throw new IllegalArgumentException(what + "[" + i + "] is null");
      }
      noNul(v, what + "[" + i + "]");
    }
    return List.copyOf(values);
  }

  /** Rejects NUL characters, which cannot pass through the OS to a process. */
  public static String noNul(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          what + " contains a NUL character: '" + value.replace('\0', '?') + "'");
    }
    return value;
  }

  /**
   * Checks an environment variable name: non-empty, no '=' and no NUL.
   */
  public static String envName(String name) {
    Objects.requireNonNull(name, "environment variable name");
    if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid environment variable name '"
          + name.replace('\0', '?') + "': it must be non-empty without '=' or NUL");
    }
    return name;
  }

  /** Checks a {@code NAME=value} environment entry and returns it. */
  public static String envEntry(String entry) {
    Objects.requireNonNull(entry, "environment entry");
    int eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("invalid environment entry '"
          + entry.replace('\0', '?') + "': expected NAME=value with a non-empty NAME");
    }
    envName(entry.substring(0, eq));
    noNul(entry, "environment entry");
    return entry;
  }
}

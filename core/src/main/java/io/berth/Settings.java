package io.berth;

import io.berth.oci.ContainerPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks shared by the builders of public values, so every builder refuses the same things. */
final class Settings {
  /** Largest uid or gid accepted: ids above it are negative in the kernel's signed views. */
  static final long MAX_ID = Integer.MAX_VALUE;

  private static final Pattern USER_NAME = Pattern.compile("[a-zA-Z0-9_.][a-zA-Z0-9_.-]*\\$?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private Settings() {}

  static void once(Object current, String setting) {
    if (current != null) {
      throw new IllegalStateException(setting + " is already set");
    }
  }

  static String requireText(String value, String setting) {
    Objects.requireNonNull(value, setting);
    if (value.isBlank()) {
      throw new IllegalArgumentException(setting + " must not be blank");
    }
    noNul(value, setting);
    return value;
  }

  static List<String> args(List<String> args, String setting) {
    Objects.requireNonNull(args, setting);
    if (args.isEmpty()) {
      throw new IllegalArgumentException(setting + " must have at least one element");
    }
    for (String arg : args) {
      Objects.requireNonNull(arg, setting + " element");
      noNul(arg, setting);
    }
    return List.copyOf(args);
  }

  static void envEntry(String name, String value) {
    Objects.requireNonNull(name, "env name");
    Objects.requireNonNull(value, "env value of " + name);
    if (name.isEmpty() || name.indexOf('=') >= 0) {
      throw new IllegalArgumentException("invalid env name '" + name
          + "': it must be non-empty and contain no '='");
    }
    noNul(name, "env name");
    noNul(value, "env value of " + name);
  }

  static ContainerPath workingDir(ContainerPath path) {
    Objects.requireNonNull(path, "workingDir");
    String text = path.toString();
    if (text.equals("/proc") || text.startsWith("/proc/")) {
      throw new IllegalArgumentException("working directory " + text
          + " is inside /proc; choose a directory of the container's own filesystem");
    }
    return path;
  }

  /** Accepts {@code uid}, {@code uid:gid}, {@code name} and {@code name:group}. */
  static String user(String user) {
    Objects.requireNonNull(user, "user");
    String[] parts = user.split(":", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("invalid user '" + user
          + "': use uid, uid:gid, name or name:group");
    }
    for (String part : parts) {
      if (DIGITS.matcher(part).matches()) {
        if (part.length() > 10 || Long.parseLong(part) > MAX_ID) {
          throw new IllegalArgumentException("invalid user '" + user + "': id " + part
              + " is above " + MAX_ID);
        }
      } else if (!USER_NAME.matcher(part).matches()) {
        throw new IllegalArgumentException("invalid user '" + user
            + "': use uid, uid:gid, name or name:group");
      }
    }
    return user;
  }

  static int signal(int signal) {
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("signal " + signal + " is not between 1 and 64");
    }
    return signal;
  }

  static Duration nonNegative(Duration duration, String setting) {
    Objects.requireNonNull(duration, setting);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative: " + duration);
    }
    return duration;
  }

  static void putOnce(Map<String, String> map, String key, String value, String setting) {
    requireText(key, setting + " key");
    Objects.requireNonNull(value, setting + " value of " + key);
    noNul(value, setting + " value of " + key);
    if (map.putIfAbsent(key, value) != null) {
      throw new IllegalStateException(setting + " " + key + " is already set");
    }
  }

  private static void noNul(String value, String setting) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(setting + " contains a NUL character");
    }
  }
}

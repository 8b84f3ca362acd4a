package io.berth.storage;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the builders of this package. */
final class Checks {
  private Checks() {}

  /** Fails if a builder setting was already made: every setting may be made once. */
  static void once(boolean alreadySet, String setting) {
    if (alreadySet) {
      throw new IllegalStateException(setting + " was already set on this builder;"
          + " each setting may be made once");
    }
  }

  static String text(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " must not contain a NUL character");
    }
    return value;
  }

  static List<String> strings(List<String> values, String what) {
    Objects.requireNonNull(values, what);
    for (String v : values) {
      Objects.requireNonNull(v, () -> what + " must not contain null");
      if (v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(what + " must not contain a NUL character: " + values);
      }
    }
    return List.copyOf(values);
  }

  /** An image or layer id: 64 lowercase hex digits. */
  static String id(String value, String what) {
    Objects.requireNonNull(value, what);
    if (!isId(value)) {
      throw new IllegalArgumentException(what + " must be 64 lowercase hex digits, got '"
          + value + "'");
    }
    return value;
  }

  static boolean isId(String value) {
    if (value.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** A digest string: {@code sha256:} and 64 lowercase hex digits. */
  static String digest(String value, String what) {
    Objects.requireNonNull(value, what);
    if (!value.startsWith("sha256:") || !isId(value.substring(7))) {
      throw new IllegalArgumentException(what + " must be 'sha256:' followed by 64 lowercase"
          + " hex digits, got '" + value + "'");
    }
    return value;
  }
}

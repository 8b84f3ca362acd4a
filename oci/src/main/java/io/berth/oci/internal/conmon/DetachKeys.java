package io.berth.oci.internal.conmon;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Parses detach key specs like {@code ctrl-p,ctrl-q} into the bytes they send. */
public final class DetachKeys {
  private DetachKeys() {}

  /**
   * @throws IllegalArgumentException for an unknown key name
   */
  public static byte[] parse(String spec) {
    java.util.Objects.requireNonNull(spec, "detachKeys");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (spec.isEmpty()) {
      return out.toByteArray();
    }
    for (String key : spec.split(",", -1)) {
      String k = key.toLowerCase(Locale.ROOT);
      if (k.length() == 1) {
        out.write(k.charAt(0));
      } else if (k.startsWith("ctrl-") && k.length() == 6) {
        char c = k.charAt(5);
        if (c >= 'a' && c <= 'z') {
          out.write(c - 'a' + 1);
        } else if (c == '@') {
          out.write(0);
        } else if (c >= '[' && c <= '_') {
          out.write(c - '[' + 27);
        } else {
          throw unknown(key, spec);
        }
      } else {
        throw unknown(key, spec);
      }
    }
    return out.toByteArray();
  }

  private static IllegalArgumentException unknown(String key, String spec) {
    return new IllegalArgumentException("invalid detach key '" + key + "' in '" + spec
        + "': use single characters or ctrl-<a-z, @, [, \\, ], ^, _>, separated by commas");
  }
}

package io.berth.oci.internal.conmon;

import java.io.ByteArrayOutputStream;

/**
 * Watches stdin for the detach sequence. Bytes that might begin the sequence are held back;
 * if the sequence completes they are swallowed and the session detaches, otherwise they are
 * forwarded after all. Not thread-safe (one stdin pump uses it).
 */
final class DetachMatcher {
  /** What to send on, and whether the sequence just completed. */
  record Result(byte[] forward, boolean detached) {}

  private final byte[] keys;
  private int matched;

  DetachMatcher(byte[] keys) {
    this.keys = keys;
  }

  Result feed(byte[] buf, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length);
    for (int i = 0; i < length; i++) {
      byte b = buf[i];
      if (keys.length == 0) {
        out.write(b);
        continue;
      }
      if (b == keys[matched]) {
        matched++;
        if (matched == keys.length) {
          return new Result(out.toByteArray(), true);
        }
      } else {
        // Release what was held, then see whether this byte starts a new match.
        out.write(keys, 0, matched);
        matched = 0;
        if (b == keys[0]) {
          matched = 1;
          if (keys.length == 1) {
            return new Result(out.toByteArray(), true);
          }
        } else {
          out.write(b);
        }
      }
    }
    return new Result(out.toByteArray(), false);
  }

  /** The bytes still held back (at end of input they are just data). */
  byte[] flush() {
    byte[] held = java.util.Arrays.copyOf(keys, matched);
    matched = 0;
    return held;
  }
}

package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;

/** Turns errno values into readable text. */
public final class Errno {
  private Errno() {}

  public static String describe(int errno) {
    try {
      return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
    } catch (RuntimeException e) {
      return "errno " + errno;
    }
  }

  public static String describe(LastErrorException e) {
    return describe(e.getErrorCode());
  }
}

package io.berth.storage.internal.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Reads this process's mount table, {@code /proc/self/mountinfo}. */
public final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private MountTable() {}

  /** Every mount point, unescaped. */
  public static Set<Path> mountPoints() throws IOException {
    Set<Path> points = new HashSet<>();
    for (String line : Files.readAllLines(MOUNTINFO)) {
      String[] fields = line.split(" ", 6);
      if (fields.length >= 5) {
        points.add(Path.of(unescape(fields[4])));
      }
    }
    return points;
  }

  public static boolean isMountPoint(Path path) throws IOException {
    return mountPoints().contains(path.toAbsolutePath().normalize());
  }

  /** mountinfo writes space, tab, newline and backslash as {@code \ooo} octal escapes. */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}

package io.berth.oci.internal.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The two fields of {@code /proc/<pid>/stat} Berth needs: the state and the start time. */
public record ProcStat(char state, long startTime) {

  /** Reads {@code /proc/<pid>/stat}; empty if there is no such process. */
  public static Optional<ProcStat> read(int pid) {
    String text;
    try {
      text = new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "stat")),
          StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // ESRCH while reading: the process went away between open and read.
      return Optional.empty();
    }
    return Optional.of(parse(text));
  }

  /** Parses a stat line; the command name (field 2) may contain spaces and parentheses. */
  static ProcStat parse(String text) {
    int close = text.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("malformed /proc stat line: " + text);
    }
    String[] fields = text.substring(close + 2).trim().split(" ");
    // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
    return new ProcStat(fields[0].charAt(0), Long.parseLong(fields[19]));
  }

  /** A zombie (Z) or dead (X) process has exited; only its parent's wait is pending. */
  public boolean zombie() {
    return state == 'Z' || state == 'X';
  }
}

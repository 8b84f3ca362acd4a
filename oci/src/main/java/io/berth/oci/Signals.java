package io.berth.oci;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Linux signal names and numbers (x86-64 and arm64 numbering), for stop signals. */
public final class Signals {
  /** SIGKILL: cannot be caught or ignored. */
  public static final int SIGKILL = 9;
  /** SIGTERM: the default stop signal. */
  public static final int SIGTERM = 15;

  private static final Map<String, Integer> NUMBERS = Map.ofEntries(
      Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
      Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
      Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
      Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
      Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18),
      Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
      Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
      Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27),
      Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30),
      Map.entry("SYS", 31));

  private Signals() {}

  /**
   * The number of a signal given as {@code SIGTERM}, {@code TERM}, {@code term},
   * {@code SIGRTMIN+3} or {@code 15}.
   *
   * @throws IllegalArgumentException for an unknown name or a number outside 1..64
   */
  public static int number(String signal) {
    Objects.requireNonNull(signal, "signal");
    String s = signal.trim().toUpperCase(Locale.ROOT);
    if (s.startsWith("SIG")) {
      s = s.substring(3);
    }
    int n;
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      n = s.length() > 2 ? -1 : Integer.parseInt(s);
    } else if (s.startsWith("RTMIN")) {
      n = 34 + offset(s.substring(5), signal);
    } else if (s.startsWith("RTMAX")) {
      n = 64 + offset(s.substring(5), signal);
    } else {
      n = NUMBERS.getOrDefault(s, -1);
    }
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException("unknown signal '" + signal
          + "': use a name like SIGTERM or a number from 1 to 64");
    }
    return n;
  }

  private static int offset(String rest, String original) {
    if (rest.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(rest);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unknown signal '" + original + "'");
    }
  }
}

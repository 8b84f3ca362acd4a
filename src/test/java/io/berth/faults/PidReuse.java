package io.berth.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a process with a chosen pid, through {@code /proc/sys/kernel/ns_last_pid}: the kernel
 * hands out the next pid after the one written there. Other processes forking at the same
 * moment can take it first, so this retries.
 */
final class PidReuse {
  private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

  private PidReuse() {}

  static Process spawnWithPid(long pid, String... command) throws Exception {
    for (int attempt = 0; attempt < 200; attempt++) {
      Files.writeString(LAST_PID, Long.toString(pid - 1));
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.pid() == pid) {
        return p;
      }
      p.destroyForcibly().waitFor();
    }
    throw new AssertionError("could not start a process with pid " + pid);
  }
}

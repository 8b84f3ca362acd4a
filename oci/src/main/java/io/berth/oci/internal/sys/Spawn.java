package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a child with an exact set of file descriptors, which ProcessBuilder cannot do: the
 * child gets {@code /dev/null} as fd 0, then the caller's descriptors as fds 1, 2, 3, ... in
 * order, and every other descriptor of the JVM (jars, lock files, databases) is closed in the
 * child (posix_spawn with dup2 and closefrom file actions). The child gets its own process
 * group and default signal handling.
 */
public final class Spawn {
  /** Generous sizes for glibc's posix_spawn_file_actions_t (80 bytes) and posix_spawnattr_t (336). */
  private static final int ACTIONS_SIZE = 512;
  private static final int ATTR_SIZE = 1024;
  private static final int SIGSET_SIZE = 128;
  /** Descriptors handed in are first moved at or above this, so no dup2 overwrites another source. */
  private static final int SAFE_FD_FLOOR = 64;

  private Spawn() {}

  /**
   * Spawns {@code argv[0]} (an absolute path).
   *
   * @param fds descriptors for child fds 1, 2, 3, ...; they stay open in the parent
   * @param cwd the child's working directory
   * @return the child's pid; reap it with {@link #waitFor}
   * @throws IllegalStateException if posix_spawn fails (message carries errno)
   */
  public static int spawn(List<String> argv, Map<String, String> env, int[] fds, Path cwd) {
    int[] sources = new int[fds.length];
    try {
      for (int i = 0; i < fds.length; i++) {
        sources[i] = LibC.INSTANCE.fcntl(fds[i], LibC.F_DUPFD_CLOEXEC, SAFE_FD_FLOOR);
      }
    } catch (LastErrorException e) {
      for (int s : sources) {
        if (s > 0) {
          Fds.closeQuietly(s);
        }
      }
      throw new IllegalStateException("cannot prepare descriptors for " + argv.get(0) + ": "
          + Errno.describe(e), e);
    }
    LibC c = LibC.INSTANCE;
    Memory actions = new Memory(ACTIONS_SIZE);
    Memory attr = new Memory(ATTR_SIZE);
    Memory mask = new Memory(SIGSET_SIZE);
    Memory defaults = new Memory(SIGSET_SIZE);
    check(c.posix_spawn_file_actions_init(actions), "file_actions_init", argv);
    try {
      check(c.posix_spawnattr_init(attr), "spawnattr_init", argv);
      try {
        check(c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDONLY, 0),
            "addopen", argv);
        for (int i = 0; i < sources.length; i++) {
          check(c.posix_spawn_file_actions_adddup2(actions, sources[i], i + 1), "adddup2", argv);
        }
        check(c.posix_spawn_file_actions_addclosefrom_np(actions, sources.length + 1),
            "addclosefrom_np", argv);
        check(c.posix_spawn_file_actions_addchdir_np(actions, cwd.toString()), "addchdir_np",
            argv);
        c.sigemptyset(mask);
        c.sigfillset(defaults);
        c.sigdelset(defaults, 9);
        c.sigdelset(defaults, 19);
        check(c.posix_spawnattr_setsigmask(attr, mask), "setsigmask", argv);
        check(c.posix_spawnattr_setsigdefault(attr, defaults), "setsigdefault", argv);
        check(c.posix_spawnattr_setpgroup(attr, 0), "setpgroup", argv);
        check(c.posix_spawnattr_setflags(attr, (short) (LibC.POSIX_SPAWN_SETPGROUP
            | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK)), "setflags", argv);
        String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
        IntByReference pid = new IntByReference();
        int err = c.posix_spawn(pid, argv.get(0), actions, attr, argv.toArray(String[]::new),
            envp);
        if (err != 0) {
          throw new IllegalStateException("cannot start " + argv.get(0) + ": "
              + Errno.describe(err));
        }
        return pid.getValue();
      } finally {
        c.posix_spawnattr_destroy(attr);
      }
    } finally {
      c.posix_spawn_file_actions_destroy(actions);
      for (int s : sources) {
        Fds.closeQuietly(s);
      }
    }
  }

  private static void check(int err, String what, List<String> argv) {
    if (err != 0) {
      throw new IllegalStateException("posix_spawn " + what + " failed for " + argv.get(0)
          + ": " + Errno.describe(err));
    }
  }

  /**
   * Reaps child {@code pid}, blocking until it exits.
   *
   * @return its exit code, or 128+N if signal N killed it
   */
  public static int waitFor(int pid) {
    IntByReference status = new IntByReference();
    while (true) {
      try {
        LibC.INSTANCE.waitpid(pid, status, 0);
        int s = status.getValue();
        int signal = s & 0x7f;
        return signal == 0 ? (s >> 8) & 0xff : 128 + signal;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LibC.EINTR) {
          throw new IllegalStateException("waitpid(" + pid + ") failed: " + Errno.describe(e), e);
        }
      }
    }
  }

  /** A pipe as {read, write}, both close-on-exec. */
  public static int[] pipe() {
    int[] fds = new int[2];
    LibC.INSTANCE.pipe2(fds, LibC.O_CLOEXEC);
    return fds;
  }
}

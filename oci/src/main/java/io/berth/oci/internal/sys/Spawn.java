package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a child with an exact set of file descriptors, which ProcessBuilder cannot do, and
 * without the JDK's helper process: glibc's posix_spawn clones with CLONE_VFORK and execs at
 * once. The caller's descriptors become the child's fds 0, 1, 2, ... in order, and every other
 * descriptor of the JVM (jars, lock files, databases) is closed in the child (dup2 and closefrom
 * file actions). The child gets its own process group and default signal handling.
 *
 * <p>Thread-safe: any thread may spawn.
 */
public final class Spawn {
  /** In {@link #spawn}'s descriptor list: give the child {@code /dev/null} at this position. */
  public static final int DEV_NULL = -1;

  /** A generous size for glibc's posix_spawn_file_actions_t (80 bytes). */
  private static final int ACTIONS_SIZE = 512;
  /** Where sources that a dup2 could overwrite are moved first. */
  private static final int SAFE_FD_FLOOR = 64;

  private Spawn() {}

  /**
   * Spawns {@code argv[0]} (an absolute path).
   *
   * @param fds descriptors for child fds 0, 1, 2, ... ({@link #DEV_NULL} for /dev/null); they
   *     stay open in the parent
   * @param cwd the child's working directory, or null for the JVM's
   * @return the child's pid; reap it with {@link #waitFor}
   * @throws IllegalStateException if posix_spawn fails (message carries errno)
   */
  public static int spawn(List<String> argv, Map<String, String> env, int[] fds, Path cwd) {
    LibC c = LibC.INSTANCE;
    int[] sources = fds.clone();
    try {
      for (int i = 0; i < sources.length; i++) {
        // A source below fds.length could be overwritten by an earlier dup2 (or be dup2'ed onto
        // itself, which keeps close-on-exec): only those need moving out of the way.
        if (fds[i] >= 0 && fds[i] < fds.length) {
          sources[i] = c.fcntl(fds[i], LibC.F_DUPFD_CLOEXEC, SAFE_FD_FLOOR);
        }
      }
    } catch (LastErrorException e) {
      closeMoved(fds, sources);
      throw new IllegalStateException("cannot prepare descriptors for " + argv.get(0) + ": "
          + Errno.describe(e), e);
    }
    Memory actions = new Memory(ACTIONS_SIZE);
    try {
      check(c.posix_spawn_file_actions_init(actions), "file_actions_init", argv);
      try {
        for (int i = 0; i < sources.length; i++) {
          if (sources[i] == DEV_NULL) {
            check(c.posix_spawn_file_actions_addopen(actions, i, "/dev/null", LibC.O_RDWR, 0),
                "addopen", argv);
          } else {
            check(c.posix_spawn_file_actions_adddup2(actions, sources[i], i), "adddup2", argv);
          }
        }
        check(c.posix_spawn_file_actions_addclosefrom_np(actions, sources.length),
            "addclosefrom_np", argv);
        if (cwd != null) {
          check(c.posix_spawn_file_actions_addchdir_np(actions, cwd.toString()), "addchdir_np",
              argv);
        }
        String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
        IntByReference pid = new IntByReference();
        int err = c.posix_spawn(pid, argv.get(0), actions, Attributes.INSTANCE,
            argv.toArray(String[]::new), envp);
        if (err != 0) {
          throw new IllegalStateException("cannot start " + argv.get(0) + ": "
              + Errno.describe(err));
        }
        return pid.getValue();
      } finally {
        c.posix_spawn_file_actions_destroy(actions);
      }
    } finally {
      closeMoved(fds, sources);
    }
  }

  private static void closeMoved(int[] fds, int[] sources) {
    for (int i = 0; i < sources.length; i++) {
      if (sources[i] != fds[i]) {
        Fds.closeQuietly(sources[i]);
      }
    }
  }

  /**
   * The spawn attributes, the same for every child (own process group, empty signal mask, every
   * signal at its default), built once: posix_spawn only reads them.
   */
  private static final class Attributes {
    private static final int ATTR_SIZE = 1024;
    private static final int SIGSET_SIZE = 128;
    static final Memory INSTANCE = build();

    private static Memory build() {
      LibC c = LibC.INSTANCE;
      List<String> what = List.of("spawn attributes");
      Memory attr = new Memory(ATTR_SIZE);
      Memory mask = new Memory(SIGSET_SIZE);
      Memory defaults = new Memory(SIGSET_SIZE);
      check(c.posix_spawnattr_init(attr), "spawnattr_init", what);
      c.sigemptyset(mask);
      c.sigfillset(defaults);
      c.sigdelset(defaults, 9);
      c.sigdelset(defaults, 19);
      check(c.posix_spawnattr_setsigmask(attr, mask), "setsigmask", what);
      check(c.posix_spawnattr_setsigdefault(attr, defaults), "setsigdefault", what);
      check(c.posix_spawnattr_setpgroup(attr, 0), "setpgroup", what);
      check(c.posix_spawnattr_setflags(attr, (short) (LibC.POSIX_SPAWN_SETPGROUP
          | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK)), "setflags", what);
      return attr;
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

package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Map;

/**
 * A command started by {@link Spawn} with pipes for stdout and stderr, and for stdin or
 * {@code /dev/null}. The parent's pipe ends are non-blocking and close-on-exec; whoever reads
 * or writes them owns them and closes them. The child inherits the JVM's environment and
 * working directory and nothing else.
 *
 * <p>The child stays a zombie until {@link #reap()}, so its pid cannot be reused before then;
 * a pidfd opened at start lets signals and waits address this very process even after.
 *
 * <p>Thread-safe: {@link #signal} may be called from any thread, also while another thread is
 * in {@link #reap()}; {@link #reap()} must be called exactly once.
 */
public final class ChildProcess {
  /** The JVM's environment, which does not change after startup. */
  private static final Map<String, String> ENVIRONMENT = System.getenv();

  private final int pid;
  private final int stdin;
  private final int stdout;
  private final int stderr;
  /** Guarded by this; -1 once closed after the reap. */
  private int pidfd;

  private ChildProcess(int pid, int pidfd, int stdin, int stdout, int stderr) {
    this.pid = pid;
    this.pidfd = pidfd;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code argv} (argv[0] an absolute path).
   *
   * @param pipeStdin whether the child reads stdin from a pipe ({@link #stdin()}) rather than
   *     from {@code /dev/null}
   * @throws IllegalStateException if it cannot be started (message carries errno)
   */
  public static ChildProcess start(List<String> argv, boolean pipeStdin) {
    int[] in = pipeStdin ? Spawn.pipe() : new int[] {Spawn.DEV_NULL, -1};
    int[] out = null;
    int[] err = null;
    int pid = -1;
    try {
      out = Spawn.pipe();
      err = Spawn.pipe();
      pid = Spawn.spawn(argv, ENVIRONMENT, new int[] {in[0], out[1], err[1]}, null);
      // Ours until the reap, so no other process can have this pid yet.
      int pidfd = (int) LibC.INSTANCE.syscall(LibC.SYS_PIDFD_OPEN, pid, 0);
      for (int fd : new int[] {in[1], out[0], err[0]}) {
        if (fd >= 0) {
          Fds.setNonBlocking(fd);
        }
      }
      return new ChildProcess(pid, pidfd, in[1], out[0], err[0]);
    } catch (LastErrorException e) {
      abandon(pid, in, out, err);
      throw new IllegalStateException("cannot set up " + argv.get(0) + ": " + Errno.describe(e),
          e);
    } catch (RuntimeException e) {
      abandon(pid, in, out, err);
      throw e;
    } finally {
      // The child's ends: ours must go, or we would never see end-of-file on them.
      Fds.closeQuietly(in[0]);
      if (out != null) {
        Fds.closeQuietly(out[1]);
      }
      if (err != null) {
        Fds.closeQuietly(err[1]);
      }
    }
  }

  private static void abandon(int pid, int[] in, int[] out, int[] err) {
    if (pid > 0) {
      try {
        LibC.INSTANCE.kill(pid, 9);
      } catch (LastErrorException ignored) {
        // Gone already; the reap below collects it either way.
      }
      Spawn.waitFor(pid);
    }
    Fds.closeQuietly(in[1]);
    if (out != null) {
      Fds.closeQuietly(out[0]);
    }
    if (err != null) {
      Fds.closeQuietly(err[0]);
    }
  }

  public int pid() {
    return pid;
  }

  /** The write end of the child's stdin, or -1 if it reads /dev/null. */
  public int stdin() {
    return stdin;
  }

  /** The read end of the child's stdout. */
  public int stdout() {
    return stdout;
  }

  /** The read end of the child's stderr. */
  public int stderr() {
    return stderr;
  }

  /**
   * The pidfd, readable once the child has exited; valid until {@link #reap()} returns, so only
   * the thread that will reap may poll it.
   */
  public int pidfd() {
    return pidfd;
  }

  /**
   * Sends {@code signal} to the child unless it has been reaped.
   *
   * @return false if it had already exited
   */
  public synchronized boolean signal(int signal) {
    if (pidfd < 0) {
      return false;
    }
    try {
      LibC.INSTANCE.syscall(LibC.SYS_PIDFD_SEND_SIGNAL, pidfd, signal, Pointer.NULL, 0);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.ESRCH) {
        return false;
      }
      throw new IllegalStateException("pidfd_send_signal(" + pid + ", " + signal + ") failed: "
          + Errno.describe(e), e);
    }
  }

  /**
   * Waits for the child to exit and collects it.
   *
   * @return its exit code, or 128+N if signal N killed it
   */
  public int reap() {
    int status = Spawn.waitFor(pid);
    synchronized (this) {
      Fds.closeQuietly(pidfd);
      pidfd = -1;
    }
    return status;
  }
}

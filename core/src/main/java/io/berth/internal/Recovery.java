package io.berth.internal;

import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.oci.Signals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Repairs what a process killed mid-operation left behind. The one case that cannot be seen
 * from the record alone is an init interrupted between the runtime's create and the state save:
 * the record still says CONFIGURED, but conmon, the runtime's container and a mount exist. Its
 * mark is the container's run directory, which only init creates while CONFIGURED.
 */
final class Recovery {
  private Recovery() {}

  static void crashedInit(DefaultContainer c) {
    RuntimeContext ctx = c.ctx();
    String id = c.id();
    Path runDir = ctx.layout().runDir(id);
    RuntimeContext.LOG.log(System.Logger.Level.WARNING, "container " + id + ": an earlier init"
        + " was interrupted (the process died); removing what it left in the runtime");
    killConmon(runDir.resolve("conmon.pid"), id);
    try {
      ctx.oci().delete(id, true);
    } catch (OciException e) {
      RuntimeContext.LOG.log(System.Logger.Level.WARNING, "container " + id
          + ": runtime delete failed: " + e.getMessage());
    }
    ContainerStatus s = c.status();
    // The interrupted init took one mount beyond the user's, and never recorded it.
    while (ctx.store().mountCount(id) > s.userMounts) {
      ctx.store().unmount(id, false);
    }
    s.rootfsMounted = false;
    if (s.userMounts == 0) {
      s.mountpoint = null;
    }
    deleteRunFiles(ctx, id);
    c.save();
  }

  /** Kills the conmon named in {@code pidFile} if it is still alive and supervises {@code id}. */
  private static void killConmon(Path pidFile, String id) {
    try {
      int pid = Integer.parseInt(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      HostProcess.of(pid).ifPresent(conmon -> {
        if (commandLineMentions(pid, id)) {
          conmon.signal(Signals.SIGKILL);
        }
      });
    } catch (IOException | NumberFormatException e) {
      // No pid file: conmon never got that far, or already cleaned up.
    }
  }

  private static boolean commandLineMentions(int pid, String id) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline")),
          StandardCharsets.UTF_8).contains(id);
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes the container's volatile files: run dir (pid files, logs of the runtime), exit file. */
  static void deleteRunFiles(RuntimeContext ctx, String id) {
    deleteTree(ctx.layout().runDir(id));
    Sync.deleteQuietly(ctx.layout().exitFile(id));
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(Sync::deleteQuietly);
    } catch (IOException e) {
      RuntimeContext.LOG.log(System.Logger.Level.WARNING, "could not delete " + dir + ": " + e);
    }
  }
}

package io.berth.oci.internal.conmon;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.oci.Conmon;
import io.berth.oci.CreateRequest;
import io.berth.oci.CreatedContainer;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.oci.OciRuntimeException;
import io.berth.oci.Signals;
import io.berth.oci.internal.runtime.CommandRunner;
import io.berth.oci.internal.runtime.RuntimeLog;
import io.berth.oci.internal.spec.SpecJson;
import io.berth.oci.internal.sys.Fds;
import io.berth.oci.internal.sys.Poll;
import io.berth.oci.internal.sys.Spawn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts conmon for one container with libpod's arguments and speaks conmon's pipe protocol:
 * the start pipe (fd 4) releases conmon, the parent conmon exits after forking the monitor,
 * and the sync pipe (fd 3) carries {@code {"data": pid}} or {@code {"data": -1, "message": ...}}.
 */
public final class ConmonLauncher {
  /** How long runtime create may take before Berth gives up on it. */
  static final Duration CREATE_TIMEOUT = Duration.ofMinutes(2);
  private static final System.Logger LOG = System.getLogger(ConmonLauncher.class.getName());
  private static final int MAX_SYNC_BYTES = 64 * 1024;

  private ConmonLauncher() {}

  /** What the runtime needs besides the request: its binary and global arguments. */
  public record RuntimeCommand(Path binary, List<String> globalArgs) {}

  /** libpod's conmon arguments, for create. */
  static List<String> arguments(Conmon conmon, RuntimeCommand runtime, CreateRequest r,
      boolean terminal) {
    List<String> args = new ArrayList<>(List.of(conmon.binary().toString(),
        "--api-version", "1",
        "-c", r.id(),
        "-u", r.id(),
        "-r", runtime.binary().toString(),
        "-b", r.bundleDir().toString(),
        "-p", r.pidFile().toString(),
        "-n", r.name(),
        "--exit-dir", r.exitDir().toString(),
        "--persist-dir", r.runDir().toString(),
        "--full-attach"));
    for (String a : runtime.globalArgs()) {
      args.add("--runtime-arg");
      args.add(a);
    }
    args.addAll(List.of("--runtime-arg", "--log", "--runtime-arg", r.ociLogFile().toString(),
        "--runtime-arg", "--log-format", "--runtime-arg", "json"));
    args.addAll(List.of("-l", "k8s-file:" + r.logFile(), "--log-level", r.logLevel(),
        "--conmon-pidfile", r.conmonPidFile().toString(),
        "--socket-dir-path", r.runDir().toString()));
    if (terminal) {
      args.add("-t");
    } else if (r.stdin()) {
      args.add("-i");
    }
    return args;
  }

  /**
   * Runs conmon and returns when it reports the container's pid.
   *
   * @param terminal whether the bundle's process has a terminal
   * @throws OciRuntimeException with the runtime's message if create fails
   */
  public static CreatedContainer create(Conmon conmon, RuntimeCommand runtime,
      CreateRequest r, boolean terminal) {
    prepareDirectories(r);
    List<String> argv = arguments(conmon, runtime, r, terminal);
    LOG.log(System.Logger.Level.DEBUG, "starting conmon for container {0}: {1}", r.id(), argv);
    int[] sync = Spawn.pipe();
    int[] start = Spawn.pipe();
    int[] err = Spawn.pipe();
    int pid;
    try {
      pid = Spawn.spawn(argv, environment(),
          new int[] {Spawn.DEV_NULL, err[1], err[1], sync[1], start[0]}, r.runDir());
    } catch (IllegalStateException e) {
      closeAll(sync[0], sync[1], start[0], start[1], err[0], err[1]);
      throw new OciRuntimeException(e.getMessage() + "; check the conmon binary "
          + conmon.binary(), -1, e.getMessage(), argv);
    }
    // Our copies of the child's ends must go, or we would never see EOF on them.
    closeAll(sync[1], start[0], err[1]);
    try {
      Fds.setNonBlocking(err[0]);
      release(start[1]);
      int status = Spawn.waitFor(pid);
      if (status != 0) {
        String stderr = readAvailable(err[0]);
        throw new OciRuntimeException("conmon failed with exit code " + status
            + " before creating container " + r.id() + ": " + CommandRunner.tail(stderr),
            status, CommandRunner.tail(stderr), argv);
      }
      int containerPid;
      try {
        containerPid = readSyncData(sync[0], err[0], r, runtime, argv);
      } catch (OciRuntimeException e) {
        // conmon exits by itself after reporting a failure; after a timeout it may not.
        readConmonPid(r).ifPresent(c -> c.signal(Signals.SIGKILL));
        throw e;
      }
      LOG.log(System.Logger.Level.DEBUG, "conmon created container {0} with pid {1}", r.id(),
          containerPid);
      HostProcess conmonProcess = readConmonPid(r)
          .orElseThrow(() -> new OciRuntimeException("conmon reported container " + r.id()
              + " created, but its pid file " + r.conmonPidFile() + " names no live process",
              -1, "", argv));
      HostProcess process = HostProcess.of(containerPid)
          .orElseThrow(() -> new OciRuntimeException("container " + r.id() + " (pid "
              + containerPid + ") exited before it was started", -1, "", argv));
      return new CreatedContainer(process, conmonProcess, r.attachSocket());
    } finally {
      closeAll(start[1], sync[0], err[0]);
    }
  }

  private static void prepareDirectories(CreateRequest r) {
    try {
      Files.createDirectories(r.runDir());
      Files.createDirectories(r.exitDir());
      Files.createDirectories(r.logFile().toAbsolutePath().getParent());
      // Leftovers of an earlier run of the same id would be read as this run's results.
      for (Path stale : List.of(r.pidFile(), r.conmonPidFile(), r.ociLogFile(),
          r.runDir().resolve("exit"), r.runDir().resolve("oom"), r.exitFile())) {
        Files.deleteIfExists(stale);
      }
    } catch (IOException e) {
      throw new OciException("cannot prepare directories for container " + r.id() + ": " + e,
          e);
    }
  }

  /** conmon's environment: ours, minus what must not leak into it, plus the pipe numbers. */
  private static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("_OCI_") || k.equals("NOTIFY_SOCKET")
        || k.equals("LISTEN_PID") || k.equals("LISTEN_FDS") || k.equals("LISTEN_FDNAMES"));
    env.put("_OCI_SYNCPIPE", "3");
    env.put("_OCI_STARTPIPE", "4");
    return env;
  }

  /** conmon blocks on the start pipe until its parent has placed it; we release it at once. */
  private static void release(int startWrite) {
    try {
      Fds.writeFully(startWrite, new byte[] {0});
    } catch (RuntimeException e) {
      // EPIPE: conmon already died; waitpid reports why.
    }
  }

  private static int readSyncData(int syncRead, int errRead, CreateRequest r,
      RuntimeCommand runtime, List<String> argv) {
    String line = readLine(syncRead, argv, r);
    if (line.isEmpty()) {
      String stderr = readAvailable(errRead);
      String why = RuntimeLog.lastError(r.ociLogFile()).orElse(CommandRunner.tail(stderr));
      throw new OciRuntimeException("conmon exited without reporting container " + r.id()
          + (why.isEmpty() ? "" : ": " + why), -1, why, argv);
    }
    JsonNode node;
    try {
      node = SpecJson.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new OciRuntimeException("conmon sent an unreadable sync message for container "
          + r.id() + ": " + line, -1, line, argv);
    }
    int data = node.path("data").asInt(-1);
    if (data <= 0) {
      String message = node.path("message").asText("").strip();
      String why = RuntimeLog.lastError(r.ociLogFile()).orElse(message);
      throw new OciRuntimeException(runtime.binary().getFileName() + " create failed for"
          + " container " + r.id() + ": " + (why.isEmpty() ? "no message" : why), data,
          why.isEmpty() ? message : why, argv);
    }
    return data;
  }

  private static String readLine(int fd, List<String> argv, CreateRequest r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
    while (out.size() < MAX_SYNC_BYTES) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !Poll.awaitReadable(Duration.ofNanos(left), fd)[0]) {
        throw new OciRuntimeException("conmon did not report container " + r.id()
            + " within " + CREATE_TIMEOUT.toSeconds() + "s", -1, "", argv);
      }
      int n = Fds.read(fd, buf);
      if (n <= 0) {
        break;
      }
      out.write(buf, 0, n);
      if (out.toString(StandardCharsets.UTF_8).contains("\n")) {
        break;
      }
    }
    String text = out.toString(StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    return (nl >= 0 ? text.substring(0, nl) : text).strip();
  }

  private static String readAvailable(int fd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while (out.size() < MAX_SYNC_BYTES && (n = Fds.read(fd, buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (RuntimeException e) {
      // Whatever we got is all there is.
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads conmon's pid file and pins the process by its start time. */
  public static Optional<HostProcess> readConmonPid(CreateRequest r) {
    return readPidFile(r.conmonPidFile()).flatMap(HostProcess::of);
  }

  static Optional<Integer> readPidFile(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.isEmpty() || text.length() > 10 ? Optional.empty()
          : Optional.of(Integer.parseInt(text));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void closeAll(int... fds) {
    for (int fd : fds) {
      Fds.closeQuietly(fd);
    }
  }
}

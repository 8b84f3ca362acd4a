package io.berth.oci.internal.runtime;

import io.berth.oci.ExecProcess;
import io.berth.oci.ExecRequest;
import io.berth.oci.ExecResult;
import io.berth.oci.ExecTimeoutException;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.oci.OciRuntimeException;
import io.berth.oci.Signals;
import io.berth.oci.internal.spec.BundleWriter;
import io.berth.oci.internal.spec.CapabilityNames;
import io.berth.oci.internal.spec.RuntimeSpec;
import io.berth.oci.internal.spec.SpecJson;
import io.berth.oci.internal.spec.UserResolver;
import io.berth.oci.internal.sys.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/**
 * Runs processes in containers with {@code <runtime> exec --process <json>}, directly (not
 * through conmon): the runtime waits for the process and exits with its status, which is the
 * fastest way there is. The process spec starts from the container's own process (read once
 * per container from its bundle) with the request's settings on top.
 *
 * <p>Thread-safe.
 */
final class ExecRunner {
  private final CliRuntime runtime;
  /** Container id -> its bundle's spec, so an exec costs one runtime call, not two. */
  private final ConcurrentMap<String, RuntimeSpec> specs = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, ExecSession> sessions = new ConcurrentHashMap<>();

  ExecRunner(CliRuntime runtime) {
    this.runtime = runtime;
  }

  /** Drops what is cached for {@code id}; a new container may reuse the id. */
  void forget(String id) {
    specs.remove(id);
  }

  /** Caches the spec of a container just created. */
  void remember(String id, RuntimeSpec spec) {
    specs.put(id, spec);
  }

  ExecResult run(String id, ExecRequest request, Duration timeout) {
    Prepared p = prepare(id, request);
    try {
      InputStream stdin = request.stdin().orElse(null);
      ChildProcess process = CommandRunner.start(p.argv(), stdin != null);
      CommandRunner.Result r = CommandRunner.collect(process, p.argv(), stdin, timeout,
          () -> p.killProcess(Signals.SIGKILL));
      if (r.timedOut()) {
        throw new ExecTimeoutException("exec of " + request.command() + " in container " + id
            + " ran longer than " + timeout + " and was killed", timeout);
      }
      return new ExecResult(p.exitCode(r.exitCode()), r.stdoutText(),
          r.stderrText());
    } finally {
      p.delete();
    }
  }

  ExecProcess start(String id, ExecRequest request) {
    Prepared p = prepare(id, request);
    ExecSession session;
    try {
      ChildProcess process = CommandRunner.start(p.argv(), true);
      try {
        session = new ExecSession(id, p, process, request.stdin().orElse(null),
            sessions::remove);
      } catch (RuntimeException e) {
        process.signal(Signals.SIGKILL);
        process.reap();
        throw e;
      }
    } catch (RuntimeException e) {
      p.delete();
      throw e;
    }
    sessions.put(session.id(), session);
    if (!session.isAlive()) {
      // It may have ended, and tried to unregister, before it was registered.
      sessions.remove(session.id());
    }
    return session;
  }

  List<ExecProcess> sessions(String id) {
    List<ExecProcess> list = new ArrayList<>();
    for (ExecSession s : sessions.values()) {
      if (s.containerId().equals(id) && s.isAlive()) {
        list.add(s);
      }
    }
    return list;
  }

  private RuntimeSpec spec(String id) {
    RuntimeSpec spec = specs.get(id);
    if (spec == null) {
      var state = runtime.state(id).orElseThrow(() -> new OciRuntimeException("cannot exec in"
          + " container " + id + ": " + runtime.name() + " does not know it (state root "
          + runtime.stateRoot() + ")", -1, "", List.of(runtime.binary().toString(), "exec", id)));
      spec = BundleWriter.read(state.bundle());
      specs.put(id, spec);
    }
    return spec;
  }

  private Prepared prepare(String id, ExecRequest request) {
    if (request.tty()) {
      throw new OciException("exec with a terminal (tty) is not supported yet; run "
          + request.command() + " without tty");
    }
    RuntimeSpec container = spec(id);
    RuntimeSpec.Process process =
        SpecJson.MAPPER.convertValue(container.process, RuntimeSpec.Process.class);
    process.terminal = false;
    process.args = request.command();
    request.workingDir().ifPresent(w -> process.cwd = w.toString());
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : process.env) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    if (request.user().isPresent()) {
      Path rootfs = Path.of(container.root.path);
      UserResolver.ResolvedUser user = UserResolver.resolve(rootfs, request.user().get());
      process.user.uid = user.uid();
      process.user.gid = user.gid();
      process.user.additionalGids = user.additionalGids().isEmpty() ? null
          : user.additionalGids().stream().map(Integer::longValue).toList();
      env.put("HOME", user.home().orElse("/"));
    }
    env.putAll(request.env());
    process.env = new ArrayList<>();
    env.forEach((k, v) -> process.env.add(k + "=" + v));
    process.capabilities = capabilities(container.process.capabilities, process.user.uid,
        request.privileged());
    return Prepared.write(runtime, id, process);
  }

  /**
   * The container's capabilities, adjusted for the exec user: root keeps them effective, any
   * other user keeps them only as the bounding set; privileged gets everything.
   */
  private static RuntimeSpec.Capabilities capabilities(RuntimeSpec.Capabilities container,
      long uid, boolean privileged) {
    if (privileged) {
      List<String> all = CapabilityNames.boundingSet();
      RuntimeSpec.Capabilities caps = new RuntimeSpec.Capabilities();
      caps.bounding = all;
      caps.effective = all;
      caps.permitted = all;
      return caps;
    }
    RuntimeSpec.Capabilities caps = new RuntimeSpec.Capabilities();
    caps.bounding = container == null ? List.of() : container.bounding;
    if (uid == 0) {
      caps.effective = caps.bounding;
      caps.permitted = caps.bounding;
    }
    return caps;
  }

  /** The files of one exec: process.json, the runtime's pid file and JSON log, in a temp dir. */
  record Prepared(CliRuntime runtime, Path dir, List<String> argv, Path pidFile, Path log,
      List<String> command) {

    static Prepared write(CliRuntime runtime, String id, RuntimeSpec.Process process) {
      Path dir;
      try {
        dir = Files.createTempDirectory("berth-exec-");
      } catch (IOException e) {
        throw new OciException("cannot create a temporary directory for exec in "
            + System.getProperty("java.io.tmpdir") + ": " + e, e);
      }
      try {
        Path json = dir.resolve("process.json");
        Files.write(json, SpecJson.MAPPER.writeValueAsBytes(process));
        Path pidFile = dir.resolve("pid");
        Path log = dir.resolve("log.json");
        List<String> argv = runtime.command(log, "exec",
            List.of("--process", json.toString(), "--pid-file", pidFile.toString(), id));
        return new Prepared(runtime, dir, argv, pidFile, log, process.args);
      } catch (IOException e) {
        deleteTree(dir);
        throw new OciException("cannot write the exec process spec into " + dir + ": " + e, e);
      }
    }

    /** The exec'd process, once the runtime has written its pid file. */
    Optional<HostProcess> process() {
      try {
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        return text.isEmpty() ? Optional.empty() : HostProcess.of(Integer.parseInt(text));
      } catch (IOException | NumberFormatException e) {
        return Optional.empty();
      }
    }

    void killProcess(int signal) {
      process().ifPresent(p -> p.signal(signal));
    }

    /**
     * The process's exit code. When the runtime itself failed to exec (its log has an error),
     * a missing command becomes 127 and a non-executable one 126, as in a shell; any other
     * runtime failure is thrown.
     */
    int exitCode(int runtimeExit) {
      Optional<String> error = RuntimeLog.lastError(log);
      if (error.isEmpty()) {
        return runtimeExit;
      }
      String msg = error.get();
      String lower = msg.toLowerCase(Locale.ROOT);
      // Only errors about the command itself map to shell codes; a missing working directory
      // or a stopped container is a runtime failure the caller must see.
      boolean aboutCommand = lower.contains("executable")
          || msg.contains("\"" + command.get(0) + "\"")
          || msg.contains("`" + command.get(0) + "`");
      if (lower.contains("executable file not found") || lower.contains("not found in $path")
          || (aboutCommand && lower.contains("no such file or directory"))) {
        return 127;
      }
      if (aboutCommand && (lower.contains("permission denied")
          || lower.contains("operation not permitted") || lower.contains("is a directory")
          || lower.contains("exec format error"))) {
        return 126;
      }
      throw new OciRuntimeException(runtime.name() + " exec of " + command + " failed with exit"
          + " code " + runtimeExit + ": " + msg, runtimeExit, msg, argv);
    }

    void delete() {
      deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(CliRuntime::deleteQuietly);
      } catch (IOException ignored) {
        // A leftover temp directory is harmless.
      }
    }
  }
}

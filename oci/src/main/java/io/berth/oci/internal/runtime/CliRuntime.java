package io.berth.oci.internal.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.oci.Conmon;
import io.berth.oci.CreateRequest;
import io.berth.oci.CreatedContainer;
import io.berth.oci.ExecProcess;
import io.berth.oci.ExecRequest;
import io.berth.oci.ExecResult;
import io.berth.oci.OciException;
import io.berth.oci.OciRuntime;
import io.berth.oci.OciRuntimeException;
import io.berth.oci.OciState;
import io.berth.oci.internal.conmon.ConmonLauncher;
import io.berth.oci.internal.spec.BundleWriter;
import io.berth.oci.internal.spec.RuntimeSpec;
import io.berth.oci.internal.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link OciRuntime} driven through a runc-compatible command line. Every call runs the
 * binary with {@code --root <stateRoot> --log <temp file> --log-format json}, so a failure
 * carries the runtime's own error message rather than whatever reached stderr.
 *
 * <p>Thread-safe: the only shared state is the exec defaults cache and the session registry,
 * both concurrent maps.
 */
public final class CliRuntime implements OciRuntime {
  /** Deadline for short runtime commands (state, kill, delete, ...). */
  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(1);
  private static final System.Logger LOG = System.getLogger(CliRuntime.class.getName());

  private final Path binary;
  private final Path stateRoot;
  private final Conmon conmon;
  private final ExecRunner execs;
  private volatile String version;

  public CliRuntime(Path binary, Path stateRoot, Conmon conmon) {
    Path abs = binary.toAbsolutePath();
    if (!Files.isRegularFile(abs) || !Files.isExecutable(abs)) {
      throw new OciRuntimeException("OCI runtime binary " + abs
          + " does not exist or is not executable; install runc or crun (`apt-get install"
          + " runc`) or pass the path of another runc-compatible runtime", 127, "",
          List.of(abs.toString()));
    }
    this.binary = abs;
    this.stateRoot = stateRoot.toAbsolutePath().normalize();
    this.conmon = conmon;
    this.execs = new ExecRunner(this);
  }

  @Override
  public String name() {
    return binary.getFileName().toString();
  }

  @Override
  public Path binary() {
    return binary;
  }

  @Override
  public Path stateRoot() {
    return stateRoot;
  }

  @Override
  public String version() {
    String v = version;
    if (v == null) {
      v = CommandRunner.firstLine(List.of(binary.toString(), "--version"), COMMAND_TIMEOUT);
      version = v;
    }
    return v;
  }

  @Override
  public String features() {
    return run("features", List.of()).stdoutText().strip();
  }

  /** The global arguments of every invocation except the per-call log. */
  List<String> globalArgs() {
    return List.of("--root", stateRoot.toString());
  }

  @Override
  public CreatedContainer create(CreateRequest request) {
    execs.forget(request.id());
    createStateRoot();
    try {
      // Read once: conmon's arguments need the terminal flag, execs the container's process.
      RuntimeSpec spec = BundleWriter.read(request.bundleDir());
      CreatedContainer created = ConmonLauncher.create(conmon,
          new ConmonLauncher.RuntimeCommand(binary, globalArgs()), request,
          spec.process.terminal);
      execs.remember(request.id(), spec);
      return created;
    } catch (OciException e) {
      // Leave nothing registered under the id (as podman does after a failed create).
      try {
        delete(request.id(), true);
      } catch (OciException cleanup) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove container " + request.id()
            + " after its create failed", cleanup);
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private void createStateRoot() {
    try {
      Files.createDirectories(stateRoot);
    } catch (IOException e) {
      throw new OciException("cannot create runtime state root " + stateRoot + ": " + e, e);
    }
  }

  @Override
  public void start(String id) {
    run("start", List.of(id));
  }

  @Override
  public Optional<OciState> state(String id) {
    if (!knows(id)) {
      return Optional.empty();
    }
    CommandRunner.Result r;
    try {
      r = run("state", List.of(id));
    } catch (OciRuntimeException e) {
      if (!knows(id)) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(parseState(id, r.stdoutText()));
  }

  /** Whether the runtime has state for {@code id}: runc and crun keep one directory per container. */
  boolean knows(String id) {
    return Files.isDirectory(stateRoot.resolve(id));
  }

  private OciState parseState(String id, String json) {
    try {
      JsonNode n = SpecJson.MAPPER.readTree(json);
      Map<String, String> annotations = new LinkedHashMap<>();
      n.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(),
          e.getValue().asText()));
      Optional<Instant> created = Optional.empty();
      if (n.hasNonNull("created")) {
        try {
          created = Optional.of(Instant.parse(n.get("created").asText()));
        } catch (DateTimeParseException e) {
          // Some runtimes print a local offset Instant cannot parse; the time is optional.
          created = Optional.empty();
        }
      }
      return new OciState(n.path("id").asText(id), n.path("status").asText("unknown"),
          n.path("pid").asInt(0), Path.of(n.path("bundle").asText("/")), created, annotations);
    } catch (IOException e) {
      throw new OciRuntimeException(name() + " state " + id + " printed unreadable JSON: "
          + CommandRunner.tail(json), 0, CommandRunner.tail(json),
          List.of(binary.toString(), "state", id));
    }
  }

  @Override
  public void kill(String id, int signal, boolean all) {
    List<String> args = new ArrayList<>();
    if (all) {
      args.add("--all");
    }
    args.add(id);
    args.add(Integer.toString(signal));
    run("kill", args);
  }

  @Override
  public void delete(String id, boolean force) {
    execs.forget(id);
    if (!knows(id)) {
      return;
    }
    try {
      run("delete", force ? List.of("--force", id) : List.of(id));
    } catch (OciRuntimeException e) {
      if (knows(id)) {
        throw e;
      }
    }
  }

  @Override
  public void pause(String id) {
    run("pause", List.of(id));
  }

  @Override
  public void resume(String id) {
    run("resume", List.of(id));
  }

  @Override
  public ExecResult exec(String id, ExecRequest request, Duration timeout) {
    return execs.run(id, request, timeout);
  }

  @Override
  public ExecProcess execStreaming(String id, ExecRequest request) {
    return execs.start(id, request);
  }

  @Override
  public List<ExecProcess> execSessions(String id) {
    return execs.sessions(id);
  }

  /**
   * Runs {@code <runtime> --root R --log L --log-format json <command> <args>}.
   *
   * @throws OciRuntimeException on a non-zero exit, with the runtime's logged error
   */
  CommandRunner.Result run(String command, List<String> args, InputStream stdin) {
    Path log = newLogFile();
    List<String> argv = command(log, command, args);
    try {
      long start = System.nanoTime();
      CommandRunner.Result r = CommandRunner.run(argv, stdin, COMMAND_TIMEOUT);
      LOG.log(System.Logger.Level.DEBUG, () -> argv + " exited " + r.exitCode() + " after "
          + (System.nanoTime() - start) / 1_000_000 + " ms");
      if (r.exitCode() != 0) {
        throw failure(command, argv, r, log);
      }
      return r;
    } finally {
      deleteQuietly(log);
    }
  }

  private CommandRunner.Result run(String command, List<String> args) {
    return run(command, args, (InputStream) null);
  }

  List<String> command(Path log, String command, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.addAll(globalArgs());
    argv.addAll(List.of("--log", log.toString(), "--log-format", "json", command));
    argv.addAll(args);
    return argv;
  }

  private OciRuntimeException failure(String command, List<String> argv,
      CommandRunner.Result r, Path log) {
    String why = RuntimeLog.lastError(log).orElse(CommandRunner.tail(r.stderrText()));
    if (why.isEmpty()) {
      why = CommandRunner.tail(r.stdoutText());
    }
    String what = r.timedOut() ? "timed out after " + COMMAND_TIMEOUT.toSeconds() + "s"
        : "failed with exit code " + r.exitCode();
    return new OciRuntimeException(name() + " " + command + " "
        + what + (why.isEmpty() ? "" : ": " + why), r.exitCode(), why, argv);
  }

  static Path newLogFile() {
    try {
      return Files.createTempFile("berth-oci-", ".log");
    } catch (IOException e) {
      throw new OciException("cannot create a temporary log file for the runtime in "
          + System.getProperty("java.io.tmpdir") + ": " + e, e);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A stray temp file is harmless.
    }
  }
}

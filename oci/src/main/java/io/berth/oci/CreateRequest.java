package io.berth.oci;

import io.berth.oci.internal.Checks;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@link OciRuntime#create} needs to start conmon for one container, and the files
 * that conmon and the runtime will write:
 *
 * <ul>
 *   <li>{@code <bundle>/config.json} (read), and conmon's {@code attach} socket and
 *       {@code ctl}/{@code winsz} fifos, which conmon always puts next to it;
 *   <li>{@code <runDir>/pidfile} (the runtime's), {@code conmon.pid}, {@code oci-log} (the
 *       runtime's JSON log), and conmon's persist files {@code exit} and {@code oom};
 *   <li>{@code <exitDir>/<id>}, the exit file, and the k8s-file log at {@code logFile}.
 * </ul>
 *
 * <p>Immutable and safe to share between threads.
 */
public final class CreateRequest {
  /** Container ids runtimes accept: a letter or digit, then letters, digits, {@code _.-}. */
  public static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");

  private final String id;
  private final String name;
  private final Path bundleDir;
  private final Path runDir;
  private final Path exitDir;
  private final Path logFile;
  private final boolean stdin;
  private final String logLevel;

  private CreateRequest(Builder b) {
    this.id = b.id;
    this.name = b.name == null ? b.id : b.name;
    this.bundleDir = b.bundleDir;
    this.runDir = b.runDir;
    this.exitDir = b.exitDir;
    this.logFile = b.logFile;
    this.stdin = Boolean.TRUE.equals(b.stdin);
    this.logLevel = b.logLevel == null ? "error" : b.logLevel;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String id() {
    return id;
  }

  /** The name conmon reports in its logs ({@code -n}); the id unless set. */
  public String name() {
    return name;
  }

  public Path bundleDir() {
    return bundleDir;
  }

  public Path runDir() {
    return runDir;
  }

  public Path exitDir() {
    return exitDir;
  }

  public Path logFile() {
    return logFile;
  }

  public boolean stdin() {
    return stdin;
  }

  public String logLevel() {
    return logLevel;
  }

  /** The runtime's pid file: {@code <runDir>/pidfile}. */
  public Path pidFile() {
    return runDir.resolve("pidfile");
  }

  /** conmon's own pid file: {@code <runDir>/conmon.pid}. */
  public Path conmonPidFile() {
    return runDir.resolve("conmon.pid");
  }

  /** The runtime's JSON log ({@code --log}): {@code <runDir>/oci-log}. */
  public Path ociLogFile() {
    return runDir.resolve("oci-log");
  }

  /** conmon's attach socket: {@code <bundle>/attach}. */
  public Path attachSocket() {
    return attachSocket(bundleDir);
  }

  /** Where conmon puts the attach socket of a container created from {@code bundleDir}. */
  public static Path attachSocket(Path bundleDir) {
    return bundleDir.resolve("attach");
  }

  /** The exit file conmon writes: {@code <exitDir>/<id>}. */
  public Path exitFile() {
    return exitDir.resolve(id);
  }

  @Override
  public String toString() {
    return "CreateRequest{id=" + id + ", name=" + name + ", bundle=" + bundleDir + ", runDir="
        + runDir + ", exitDir=" + exitDir + ", logFile=" + logFile + ", stdin=" + stdin + "}";
  }

  /**
   * Builds a {@link CreateRequest}. id, bundle, runDir, exitDir and logFile are required; each
   * setting may be made once. Not thread-safe.
   */
  public static final class Builder {
    private String id;
    private String name;
    private Path bundleDir;
    private Path runDir;
    private Path exitDir;
    private Path logFile;
    private Boolean stdin;
    private String logLevel;

    private Builder() {}

    /** The container id the runtime registers, matching {@link #ID}. */
    public Builder id(String id) {
      Objects.requireNonNull(id, "id");
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("invalid container id '" + id.replace('\0', '?')
            + "': use 1-128 letters, digits, '_', '.', '-', starting with a letter or digit");
      }
      this.id = Checks.once(this.id, id, "id");
      return this;
    }

    public Builder name(String name) {
      Checks.noNul(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name must not be empty");
      }
      this.name = Checks.once(this.name, name, "name");
      return this;
    }

    public Builder bundle(Bundle bundle) {
      return bundle(bundle.dir());
    }

    /** A bundle directory holding a {@code config.json}. */
    public Builder bundle(Path bundleDir) {
      this.bundleDir = Checks.once(this.bundleDir, absolute(bundleDir), "bundle");
      return this;
    }

    /** The container's volatile directory (created if missing). */
    public Builder runDir(Path runDir) {
      this.runDir = Checks.once(this.runDir, absolute(runDir), "runDir");
      return this;
    }

    /** The directory conmon writes the exit file into (created if missing). */
    public Builder exitDir(Path exitDir) {
      this.exitDir = Checks.once(this.exitDir, absolute(exitDir), "exitDir");
      return this;
    }

    /** The k8s-file log conmon writes the container's output to. */
    public Builder logFile(Path logFile) {
      this.logFile = Checks.once(this.logFile, absolute(logFile), "logFile");
      return this;
    }

    /** Keep the container's stdin open for attach sessions (conmon {@code -i}). */
    public Builder stdin(boolean stdin) {
      this.stdin = Checks.once(this.stdin, stdin, "stdin");
      return this;
    }

    /** conmon's log level: {@code debug}, {@code info}, {@code warn} or {@code error} (default). */
    public Builder logLevel(String logLevel) {
      if (!LOG_LEVELS.contains(logLevel)) {
        throw new IllegalArgumentException(
            "unknown log level '" + logLevel + "'; use one of " + LOG_LEVELS);
      }
      this.logLevel = Checks.once(this.logLevel, logLevel, "logLevel");
      return this;
    }

    private static Path absolute(Path p) {
      return Objects.requireNonNull(p, "path").toAbsolutePath().normalize();
    }

    public CreateRequest build() {
      require(id, "id");
      require(bundleDir, "bundle");
      require(runDir, "runDir");
      require(exitDir, "exitDir");
      require(logFile, "logFile");
      return new CreateRequest(this);
    }

    private static void require(Object value, String what) {
      if (value == null) {
        throw new IllegalStateException(what + " is required");
      }
    }
  }
}

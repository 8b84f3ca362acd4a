package io.berth.oci;

import io.berth.oci.internal.runtime.CliRuntime;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** Factories for {@link OciRuntime}s. */
public final class OciRuntimes {
  private OciRuntimes() {}

  /**
   * A runtime driven through a runc-compatible command line ({@code runc}, {@code crun},
   * {@code youki}, ...).
   *
   * @param binary the runtime executable; checked to exist and be executable
   * @param stateRoot the runtime's {@code --root} directory (created if missing); containers
   *     created with one root are invisible under another
   * @param conmon the conmon that supervises containers created through this runtime
   * @throws OciRuntimeException if {@code binary} is missing or not executable
   */
  public static OciRuntime cli(Path binary, Path stateRoot, Conmon conmon) {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(stateRoot, "stateRoot");
    Objects.requireNonNull(conmon, "conmon");
    return new CliRuntime(binary, stateRoot, conmon);
  }

  /** The first executable regular file called {@code name} on {@code PATH}. */
  public static Optional<Path> find(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("expected a bare command name, got '" + name + "'");
    }
    String path = System.getenv("PATH");
    if (path == null || path.isEmpty()) {
      path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }
}

package io.berth.oci;

import io.berth.oci.internal.runtime.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The conmon binary Berth starts to supervise each container: conmon runs the runtime's
 * {@code create}, holds the container's stdio, writes its log and exit file, and outlives the
 * JVM.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class Conmon {
  /** Where conmon lives when it is not on PATH, in the order Berth looks. */
  public static final List<Path> LIBEXEC_LOCATIONS = List.of(
      Path.of("/usr/libexec/podman/conmon"), Path.of("/usr/lib/podman/conmon"),
      Path.of("/usr/local/libexec/podman/conmon"));

  private final Path binary;
  private volatile String version;

  private Conmon(Path binary) {
    this.binary = binary;
  }

  /**
   * Finds conmon on {@code PATH}, then in {@link #LIBEXEC_LOCATIONS}.
   *
   * @throws ConmonNotFoundException naming the places searched and how to install conmon
   */
  public static Conmon locate() {
    Optional<Path> onPath = OciRuntimes.find("conmon");
    if (onPath.isPresent()) {
      return new Conmon(onPath.get());
    }
    for (Path p : LIBEXEC_LOCATIONS) {
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return new Conmon(p);
      }
    }
    List<String> searched = new ArrayList<>();
    searched.add("$PATH (" + System.getenv().getOrDefault("PATH", "") + ")");
    LIBEXEC_LOCATIONS.forEach(p -> searched.add(p.toString()));
    throw new ConmonNotFoundException("conmon not found; searched " + String.join(", ", searched)
        + ". Install it with `apt-get install conmon` (Debian/Ubuntu) or `dnf install conmon`,"
        + " or pass its path to Conmon.at(Path).");
  }

  /**
   * Uses the conmon binary at {@code binary}.
   *
   * @throws ConmonNotFoundException if it is not an executable file
   */
  public static Conmon at(Path binary) {
    Objects.requireNonNull(binary, "binary");
    if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
      throw new ConmonNotFoundException("conmon binary " + binary
          + " does not exist or is not executable; install it with `apt-get install conmon`"
          + " or use Conmon.locate()");
    }
    return new Conmon(binary.toAbsolutePath());
  }

  public Path binary() {
    return binary;
  }

  /**
   * The first line of {@code conmon --version}, e.g. {@code conmon version 2.1.6}.
   *
   * @throws OciRuntimeException if conmon fails to report it
   */
  public String version() {
    String v = version;
    if (v == null) {
      v = CommandRunner.firstLine(List.of(binary.toString(), "--version"), Duration.ofSeconds(10));
      version = v;
    }
    return v;
  }

  @Override
  public String toString() {
    return "Conmon[" + binary + "]";
  }
}

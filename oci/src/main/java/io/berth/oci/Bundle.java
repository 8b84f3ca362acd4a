package io.berth.oci;

import io.berth.oci.internal.spec.BundleWriter;
import io.berth.oci.internal.spec.RuntimeSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI bundle: a directory holding the runtime-spec {@code config.json} generated from a
 * container's settings and its image defaults. The rootfs stays where it is; config.json names
 * it by absolute path.
 *
 * <p>Immutable and safe to share between threads. Writing is atomic (temp file + rename): a
 * failed write leaves no config.json behind.
 */
public final class Bundle {
  /** The bundle's spec file name. */
  public static final String CONFIG_FILE = "config.json";

  private final Path dir;
  private final RuntimeSpec spec;

  private Bundle(Path dir, RuntimeSpec spec) {
    this.dir = dir;
    this.spec = spec;
  }

  /**
   * Generates config.json for {@code settings} over {@code defaults} and writes it into
   * {@code bundleDir} (created if missing), replacing an existing one. A user name is resolved
   * through the rootfs's {@code /etc/passwd} and {@code /etc/group}, read without ever leaving
   * the rootfs (symlinks are resolved inside it) and only up to a bounded size.
   *
   * @throws InvalidSpecException if the settings cannot be satisfied (unknown user, missing
   *     bind-mount source, no command); nothing is written then
   * @throws BundleException if writing fails
   */
  public static Bundle write(Path bundleDir, ContainerSettings settings, ImageDefaults defaults) {
    Objects.requireNonNull(bundleDir, "bundleDir");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(defaults, "defaults");
    Path dir = bundleDir.toAbsolutePath().normalize();
    RuntimeSpec spec = BundleWriter.generate(settings, defaults);
    BundleWriter.write(dir, spec);
    return new Bundle(dir, spec);
  }

  /**
   * Reads an existing bundle.
   *
   * @throws BundleException if config.json is missing or malformed
   */
  public static Bundle open(Path bundleDir) {
    Path dir = bundleDir.toAbsolutePath().normalize();
    return new Bundle(dir, BundleWriter.read(dir));
  }

  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve(CONFIG_FILE);
  }

  /** The resolved process arguments (entrypoint + command). */
  public List<String> args() {
    return spec.process.args;
  }

  /** The resolved uid the process runs as. */
  public int uid() {
    return (int) spec.process.user.uid;
  }

  /** The resolved primary gid. */
  public int gid() {
    return (int) spec.process.user.gid;
  }

  /** The resolved supplementary gids. */
  public List<Integer> additionalGids() {
    return spec.process.user.additionalGids == null ? List.of()
        : spec.process.user.additionalGids.stream().map(Long::intValue).toList();
  }

  /** The resolved environment as {@code NAME=value} entries. */
  public List<String> env() {
    return spec.process.env;
  }

  public ContainerPath workingDir() {
    return ContainerPath.of(spec.process.cwd);
  }

  /** The rootfs directory ({@code root.path}). */
  public Path rootfs() {
    Path p = Path.of(spec.root.path);
    return p.isAbsolute() ? p : dir.resolve(p);
  }

  public boolean terminal() {
    return spec.process.terminal;
  }

  /** The hostname, if set. */
  public Optional<String> hostname() {
    return Optional.ofNullable(spec.hostname);
  }

  @Override
  public String toString() {
    return "Bundle[" + dir + "]";
  }
}

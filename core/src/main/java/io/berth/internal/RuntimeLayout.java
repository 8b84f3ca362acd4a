package io.berth.internal;

import java.nio.file.Path;

/**
 * Where everything lives on disk, in one place (see DESIGN.md, "Where things live on disk").
 * {@code root} is persistent; {@code runRoot} is volatile and is expected to vanish on reboot.
 */
record RuntimeLayout(Path root, Path runRoot) {

  /** Defaults: {@code /var/lib/berth} + {@code /run/berth} for root, XDG dirs otherwise. */
  static RuntimeLayout defaults(boolean isRoot) {
    if (isRoot) {
      return new RuntimeLayout(Path.of("/var/lib/berth"), Path.of("/run/berth"));
    }
    String home = System.getProperty("user.home");
    String dataHome = System.getenv("XDG_DATA_HOME");
    String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
    Path data = dataHome == null || dataHome.isEmpty()
        ? Path.of(home, ".local", "share") : Path.of(dataHome);
    Path run = runtimeDir == null || runtimeDir.isEmpty()
        ? Path.of(System.getProperty("java.io.tmpdir"), "berth-run-" + System.getProperty("user.name"))
        : Path.of(runtimeDir);
    return new RuntimeLayout(data.resolve("berth"), run.resolve("berth"));
  }

  Path stateDb() {
    return root.resolve("state.db");
  }

  Path storageRoot() {
    return root.resolve("storage");
  }

  Path storageRunRoot() {
    return runRoot.resolve("storage");
  }

  Path bundles() {
    return root.resolve("containers");
  }

  /** The container's persistent dir: config.json, artifacts/, ctr.log. */
  Path bundle(String id) {
    return bundles().resolve(id);
  }

  Path artifacts(String id) {
    return bundle(id).resolve("artifacts");
  }

  Path log(String id) {
    return bundle(id).resolve("ctr.log");
  }

  Path aliveFile() {
    return runRoot.resolve("alive");
  }

  /** Serialises the after-reboot refresh between processes. */
  Path aliveLock() {
    return runRoot.resolve("alive.lock");
  }

  Path locks() {
    return runRoot.resolve("locks");
  }

  Path lock(String id) {
    return locks().resolve(id + ".lock");
  }

  Path exits() {
    return runRoot.resolve("exits");
  }

  Path exitFile(String id) {
    return exits().resolve(id);
  }

  /** The OCI runtime's {@code --root}. */
  Path ociRoot() {
    return runRoot.resolve("oci");
  }

  Path runDirs() {
    return runRoot.resolve("containers");
  }

  /** The container's volatile dir: conmon pid file, attach socket, ctl fifo. */
  Path runDir(String id) {
    return runDirs().resolve(id);
  }
}

package io.berth.internal;

import io.berth.BerthException;
import io.berth.oci.OciRuntimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Picks the OCI runtime binary: the one asked for, or crun if it works here, else runc. */
final class RuntimeChoice {
  private static final Path UNIFIED_CONTROLLERS =
      Path.of("/sys/fs/cgroup/unified/cgroup.controllers");

  private RuntimeChoice() {}

  static Path choose(Optional<String> requested) {
    if (requested.isPresent()) {
      String wanted = requested.get();
      if (wanted.contains("/")) {
        Path binary = Path.of(wanted);
        if (!Files.isExecutable(binary)) {
          throw new BerthException("OCI runtime " + binary + " does not exist or is not"
              + " executable");
        }
        return binary;
      }
      return OciRuntimes.find(wanted).orElseThrow(() -> new BerthException("OCI runtime '"
          + wanted + "' is not on PATH; install it (apt-get install " + wanted + ") or give"
          + " its path"));
    }
    Optional<Path> crun = OciRuntimes.find("crun");
    if (crun.isPresent() && crunWorksHere()) {
      return crun.get();
    }
    return OciRuntimes.find("runc").or(() -> crun).orElseThrow(() -> new BerthException(
        "no OCI runtime found on PATH: install crun or runc (apt-get install crun runc)"));
  }

  /**
   * crun refuses a hybrid cgroup host while any controller is in the v2 hierarchy; runc copes.
   * Seen as a non-empty {@code /sys/fs/cgroup/unified/cgroup.controllers}.
   */
  static boolean crunWorksHere() {
    try {
      return !Files.exists(UNIFIED_CONTROLLERS)
          || Files.readString(UNIFIED_CONTROLLERS).isBlank();
    } catch (IOException e) {
      return false;
    }
  }
}

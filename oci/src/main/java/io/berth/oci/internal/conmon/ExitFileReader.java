package io.berth.oci.internal.conmon;

import io.berth.oci.ContainerExit;
import io.berth.oci.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Reads and waits for conmon's exit file. */
public final class ExitFileReader {
  private ExitFileReader() {}

  public static Optional<ContainerExit> read(Path exitDir, Path runDir, String id) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public static ContainerExit conmonGone(Path exitDir, Path runDir, String id, int conmonPid) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public static Optional<ContainerExit> await(Path exitDir, Path runDir, String id,
      HostProcess conmon, Duration timeout) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}

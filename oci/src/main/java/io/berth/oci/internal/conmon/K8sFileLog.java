package io.berth.oci.internal.conmon;

import io.berth.oci.LogFollower;
import io.berth.oci.LogLine;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** conmon's k8s-file log format. */
public final class K8sFileLog {
  private K8sFileLog() {}

  public static List<LogLine> readAll(Path logFile) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public static LogFollower follow(Path logFile, Consumer<LogLine> sink, Path exitFile) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}

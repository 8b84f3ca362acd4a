package io.berth.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

final class TestFiles {
  private TestFiles() {}

  /** What the open descriptors of process {@code pid} ("self" for the JVM) point to. */
  static List<String> openFiles(String pid) throws IOException {
    List<String> targets = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          targets.add(Files.readSymbolicLink(fd).toString());
        } catch (java.nio.file.NoSuchFileException e) {
          // Closed while we listed.
        }
      }
    }
    return targets;
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}

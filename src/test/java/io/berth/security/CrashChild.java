package io.berth.security;

import io.berth.CommitOptions;
import io.berth.Runtime;
import java.nio.file.Path;

/**
 * The JVM that {@link CrashTest} kills with SIGKILL in the middle of a store operation.
 * Arguments: the test's directory, then {@code import <tar file> <reference>} (the file may be
 * a fifo the parent feeds slowly) or {@code commit <container id> <reference>}. Prints
 * {@code done} if it ever finishes.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    try (Runtime runtime = Runtime.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .ociRuntime("runc").storageDriver("overlay").build()) {
      switch (args[1]) {
        case "import" -> runtime.images().importRootfs(Path.of(args[2]), args[3]);
        case "commit" -> runtime.lookupContainer(args[2]).commit(CommitOptions.builder()
            .reference(args[3]).build());
        default -> throw new IllegalArgumentException("unknown step " + args[1]);
      }
      System.out.println("done");
    }
  }
}

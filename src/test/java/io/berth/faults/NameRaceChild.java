package io.berth.faults;

import io.berth.ContainerConfig;
import io.berth.ContainerExistsException;
import io.berth.Runtime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * One of two JVMs racing to create the same container names. Opens the root, says "ready",
 * waits for "go" on stdin, then tries each name and prints "won NAME" or "lost NAME".
 */
public final class NameRaceChild {
  private NameRaceChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    try (Runtime runtime = Runtime.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .ociRuntime("runc").storageDriver("overlay").build()) {
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
      if (!"go".equals(in.readLine())) {
        return;
      }
      for (int i = 0; i < rounds; i++) {
        String name = "race-" + i;
        try {
          runtime.newContainer(ContainerConfig.builder().image(TestRoot.IMAGE).name(name)
              .command("true").build());
          System.out.println("won " + name);
        } catch (ContainerExistsException e) {
          System.out.println("lost " + name);
        }
      }
    }
  }
}

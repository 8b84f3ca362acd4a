package io.berth.examples;

import io.berth.BerthException;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import io.berth.storage.Image;
import java.io.IOException;

/**
 * The smallest complete use of Berth: open a Runtime on the defaults, import a busybox image,
 * run a container that prints a line, and print its output and exit code.
 */
public final class HelloContainer {
  private static final String IMAGE = "localhost/busybox:hello";

  private HelloContainer() {}

  public static void main(String[] args) throws IOException {
    Preflight.requireReadyHost();
    try (Runtime runtime = Runtime.open()) {
      System.out.printf("Opened Berth at %s (OCI runtime %s, storage driver %s).%n",
          runtime.root(), runtime.ociRuntime(), runtime.storageDriver());

      Image image = ExampleImage.busybox(runtime, IMAGE);
      System.out.printf("Imported a busybox image as %s (id %s).%n", IMAGE,
          image.id().substring(0, 12));

      Container container = runtime.newContainer(ContainerConfig.builder()
          .image(image.id())
          .command("echo", "Hello from a Berth container!")
          .build());
      System.out.printf("Created container %s; starting it.%n", container.name());
      try {
        container.start();
        int exitCode = container.waitForExit();

        container.logs().forEach(line -> System.out.println("  container says: " + line.text()));
        System.out.println("Exit code: " + exitCode);
      } finally {
        runtime.removeContainer(container, true);
        System.out.println("Removed the container. Done.");
      }
    } catch (BerthException e) {
      Preflight.fail(e);
    }
  }
}

package io.berth.examples;

import io.berth.BerthException;
import io.berth.CommitOptions;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import io.berth.storage.ConfigChanges;
import io.berth.storage.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two ways to make an image of a container's changes: {@code commit} it (which keeps the base
 * image's layers and adds one), or {@code export} its whole filesystem as a tar and import that
 * (one flat layer). Each new image then runs a container that shows the change.
 */
public final class ExportImportCommit {
  private static final String COMMITTED = "localhost/examples:committed";
  private static final String IMPORTED = "localhost/examples:imported";

  private ExportImportCommit() {}

  public static void main(String[] args) throws IOException {
    Preflight.requireReadyHost();
    Path tar = Files.createTempFile("berth-export-", ".tar");
    try (Runtime runtime = Runtime.open()) {
      List<Container> created = new ArrayList<>();
      try {
        run(runtime, tar, created);
      } finally {
        for (Container c : created) {
          runtime.removeContainer(c, true);
        }
        for (String image : List.of(COMMITTED, IMPORTED)) {
          runtime.images().find(image).ifPresent(i -> runtime.images().remove(i.id()));
        }
        System.out.println("Removed the containers and the two new images. Done.");
      }
    } catch (BerthException | IllegalStateException e) {
      Preflight.fail(e);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  private static void run(Runtime runtime, Path tar, List<Container> created)
      throws IOException {
    Image busybox = ExampleImage.busybox(runtime);
    Container writer = runtime.newContainer(ContainerConfig.builder()
        .image(busybox.id())
        .command("sh", "-c", "echo 'Hello from a changed container' > /etc/motd")
        .build());
    created.add(writer);
    writer.start();
    System.out.printf("Container %s wrote /etc/motd and exited with %d.%n", writer.name(),
        writer.waitForExit());

    Image committed = writer.commit(CommitOptions.builder()
        .reference(COMMITTED)
        .message("add /etc/motd")
        .changes(ConfigChanges.builder().cmd(List.of("cat", "/etc/motd")).build())
        .build());
    System.out.printf("Committed it as %s: %d layers (busybox's plus the change), Cmd %s.%n",
        COMMITTED, committed.layerIds().size(), committed.config().cmd());
    runAndPrint(runtime, created, committed, "a container of the committed image");

    writer.export(tar);
    System.out.printf("Exported its filesystem to %s (%d KiB).%n", tar, size(tar) / 1024);
    Image imported = runtime.images().importRootfs(tar, IMPORTED);
    System.out.printf("Imported that tar as %s: %d layer.%n", IMPORTED,
        imported.layerIds().size());
    runAndPrint(runtime, created, imported, "a container of the imported image",
        "cat", "/etc/motd");
  }

  private static void runAndPrint(Runtime runtime, List<Container> created, Image image,
      String what, String... command) {
    ContainerConfig.Builder config = ContainerConfig.builder().image(image.id());
    if (command.length > 0) {
      config.command(command);
    }
    Container c = runtime.newContainer(config.build());
    created.add(c);
    c.start();
    int exitCode = c.waitForExit();
    c.logs().forEach(line -> System.out.println("  " + what + " says: " + line.text()));
    System.out.printf("  (exit code %d)%n", exitCode);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the size of " + file + ": " + e, e);
    }
  }
}

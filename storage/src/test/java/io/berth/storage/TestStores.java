package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opening stores in temp dirs, and making sure tests leave no mount behind. */
final class TestStores {
  static final List<String> DRIVERS = List.of("overlay", "vfs");

  private TestStores() {}

  static Store open(Path dir, String driver) {
    return Store.builder().root(dir.resolve("root")).runRoot(dir.resolve("run")).driver(driver)
        .build();
  }

  /** Unmounts every container layer (forcibly) and closes the store. */
  static void shutdown(Store store) {
    if (store == null) {
      return;
    }
    try {
      for (ContainerLayer c : store.containerLayers()) {
        store.unmount(c.id(), true);
      }
    } finally {
      store.close();
    }
  }

  /** Mount points at or under {@code dir}, from /proc/self/mountinfo. */
  static List<String> mountsUnder(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    String prefix = dir.toAbsolutePath().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4];
      if (point.startsWith(prefix)) {
        out.add(point);
      }
    }
    return out;
  }

  static void assertNoMountsUnder(Path dir) throws IOException {
    assertThat(mountsUnder(dir)).as("mounts left under %s", dir).isEmpty();
  }

  static Path busyboxTar(Path dir) throws IOException {
    return BusyboxImage.standard().withFile("etc/motd", "hello from berth\n", 0644)
        .writeRootfsTar(dir.resolve("busybox.tar"));
  }

  /** The layer directories in a driver's home, without its bookkeeping ({@code l/}, marks). */
  static List<String> layerDirectories(Path dir, String driver) throws IOException {
    return list(dir.resolve("root").resolve(driver)).stream()
        .filter(n -> n.matches("[0-9a-f]{64}")).toList();
  }

  static List<String> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static void deleteTree(Path p) throws IOException {
    io.berth.storage.internal.sys.FileTrees.deleteTree(p);
  }

  static String containerId(int n) {
    return String.format("%064x", n);
  }
}

package io.berth.storage;

import java.nio.file.Path;

/**
 * Runs in a separate JVM for the cross-process tests: opens the store and imports a rootfs
 * tar read from stdin, holding the store lock for as long as stdin stays open.
 * Arguments: root, runRoot, driver, reference.
 */
public final class ChildImport {
  private ChildImport() {}

  public static void main(String[] args) {
    try (Store store = Store.builder().root(Path.of(args[0])).runRoot(Path.of(args[1]))
        .driver(args[2]).build()) {
      Image image = store.importRootfs(System.in,
          ImageOptions.builder().reference(args[3]).build());
      System.out.println(image.id());
    }
  }
}

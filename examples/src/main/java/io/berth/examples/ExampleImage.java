package io.berth.examples;

import io.berth.Runtime;
import io.berth.storage.Image;
import io.berth.storage.ImageOptions;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How every example gets an image without the network: a busybox root filesystem built from the
 * host's static busybox, imported like {@code podman import}. The import is dated with the
 * tarball's own fixed time, so importing it again makes the very same image (same config, same
 * id) instead of a new one that takes the name and leaves the old one behind untagged.
 */
final class ExampleImage {
  /** The name the examples give the busybox image. */
  static final String REFERENCE = "localhost/busybox:examples";

  private ExampleImage() {}

  static Image busybox(Runtime runtime) throws IOException {
    return busybox(runtime, REFERENCE);
  }

  static Image busybox(Runtime runtime, String reference) throws IOException {
    Path tar = Files.createTempFile("berth-busybox-", ".tar");
    try {
      BusyboxImage.standard().writeRootfsTar(tar);
      return runtime.images().importRootfs(tar, ImageOptions.builder()
          .reference(reference)
          .created(BusyboxImage.MTIME)
          .build());
    } finally {
      Files.deleteIfExists(tar);
    }
  }
}

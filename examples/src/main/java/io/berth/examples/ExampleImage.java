package io.berth.examples;

import io.berth.Runtime;
import io.berth.storage.Image;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How every example gets an image without the network: a busybox root filesystem built from the
 * host's static busybox, imported like {@code podman import}. Importing the same tarball again
 * finds the image already there, so running an example twice leaves one image.
 */
final class ExampleImage {
  /** The name the examples give the busybox image. */
  static final String REFERENCE = "localhost/busybox:examples";

  private ExampleImage() {}

  static Image busybox(Runtime runtime) throws IOException {
    Path tar = Files.createTempFile("berth-busybox-", ".tar");
    try {
      BusyboxImage.standard().writeRootfsTar(tar);
      return runtime.images().importRootfs(tar, REFERENCE);
    } finally {
      Files.deleteIfExists(tar);
    }
  }
}

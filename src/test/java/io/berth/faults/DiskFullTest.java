package io.berth.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.StorageFailureException;
import io.berth.storage.Image;
import io.berth.testkit.BusyboxImage;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk fills up during an import: a clean error, nothing partial kept, the rest intact. */
class DiskFullTest {
  @TempDir Path dir;
  Path small;

  @BeforeEach
  void mountSmallTmpfs() throws Exception {
    small = Files.createDirectories(dir.resolve("small"));
    assertThat(TestRoot.run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", small.toString()))
        .isZero();
  }

  @AfterEach
  void unmount() throws Exception {
    TestRoot.run("umount", "-l", small.toString());
  }

  @Test
  void importRootfs_diskFillsUp_failsCleanlyAndOtherImagesStay() throws Exception {
    byte[] noise = new byte[40 << 20];
    new Random(7).nextBytes(noise);
    Path bigTar = BusyboxImage.standard().withFile("opt/noise", noise, 0644)
        .writeRootfsTar(dir.resolve("big.tar"));
    try (TestRoot root = new TestRoot(small)) {
      FileStore fs = Files.getFileStore(small);
      long freeBefore = fs.getUsableSpace();

      assertThatThrownBy(() -> root.runtime.images().importRootfs(bigTar, "localhost/big:1"))
          .isInstanceOf(StorageFailureException.class)
          .hasMessageContaining("space");

      assertThat(root.runtime.images().list()).extracting(Image::names)
          .containsExactly(java.util.List.of(TestRoot.IMAGE));
      assertThat(fs.getUsableSpace()).as("partial layer and blobs deleted")
          .isGreaterThanOrEqualTo(freeBefore - (256 << 10));
      root.assertStillWorks();
    }
  }
}

package io.berth.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a reproducible tree of files with mixed sizes, like the contents of a real image layer:
 * by bytes, 15% in small files (0.5-12 KiB, most of the entries), 30% in medium files
 * (16 KiB-1 MiB) and 55% in large files (1-16 MiB), 100 files to a directory.
 */
final class FileTree {
  private static final int POOL = 1 << 20;
  private static final int PER_DIR = 100;

  private FileTree() {}

  /**
   * Fills {@code dir} (created if missing) with about {@code totalBytes} of files.
   *
   * @return the number of files written
   */
  static int write(Path dir, long totalBytes, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    // Contents are slices of one random pool: incompressible, and cheap to produce.
    byte[] pool = new byte[POOL + (16 << 20)];
    random.nextBytes(pool);
    long[] budget = {totalBytes * 15 / 100, totalBytes * 30 / 100, totalBytes * 55 / 100};
    int[][] range = {{512, 12 << 10}, {16 << 10, 1 << 20}, {1 << 20, 16 << 20}};
    int files = 0;
    for (int kind = 0; kind < budget.length; kind++) {
      long left = budget[kind];
      while (left > 0) {
        int size = (int) Math.min(left, random.nextInt(range[kind][0], range[kind][1] + 1));
        Path sub = Files.createDirectories(dir.resolve(String.format("d%03d", files / PER_DIR)));
        try (OutputStream out = Files.newOutputStream(sub.resolve(String.format("f%05d.bin",
            files)))) {
          out.write(pool, random.nextInt(POOL), size);
        }
        left -= size;
        files++;
      }
    }
    return files;
  }
}

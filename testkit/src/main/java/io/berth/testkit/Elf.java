package io.berth.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Just enough ELF reading to tell a static executable from one that needs a loader. */
final class Elf {
  private static final int PT_INTERP = 3;

  private Elf() {}

  /** True if {@code file} is a 64-bit ELF executable without a PT_INTERP program header. */
  static boolean isStaticExecutable(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(64);
      if (ch.read(header, 0) < 64) {
        throw new IOException("too short for an ELF header");
      }
      header.flip();
      if (header.getInt(0) != 0x7f454c46) { // "\177ELF"
        throw new IOException("not an ELF file");
      }
      if (header.get(4) != 2) {
        throw new IOException("not a 64-bit ELF file");
      }
      header.order(header.get(5) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      long phoff = header.getLong(0x20);
      int phentsize = Short.toUnsignedInt(header.getShort(0x36));
      int phnum = Short.toUnsignedInt(header.getShort(0x38));
      ByteBuffer table = ByteBuffer.allocate(phentsize * phnum).order(header.order());
      ch.read(table, phoff);
      for (int i = 0; i < phnum; i++) {
        if (table.getInt(i * phentsize) == PT_INTERP) {
          return false;
        }
      }
      return true;
    }
  }
}

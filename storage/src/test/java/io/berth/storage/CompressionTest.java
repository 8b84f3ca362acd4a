package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.internal.stream.Compression;
import io.berth.storage.internal.stream.GzipMembersInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;

/** Decompression as hostile input meets it: many members, odd headers, damage, huge windows. */
class CompressionTest {
  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(data);
    }
    return b.toByteArray();
  }

  private static byte[] gunzip(byte[] data) throws Exception {
    try (InputStream in = new GzipMembersInputStream(new ByteArrayInputStream(data), 4096)) {
      return in.readAllBytes();
    }
  }

  @Test
  void gzip_concatenatedMembers_decompressToTheConcatenation() throws Exception {
    byte[] a = new byte[300_000];
    new Random(1).nextBytes(a);
    byte[] b = "second member".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(gzip(a));
    all.writeBytes(gzip(new byte[0]));
    all.writeBytes(gzip(b));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(a);
    expected.writeBytes(b);
    assertThat(gunzip(all.toByteArray())).isEqualTo(expected.toByteArray());
  }

  /** A member with every optional header field: extra, name, comment, header CRC. */
  private static byte[] memberWithAllFields(byte[] data, int nameLength) throws Exception {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    m.writeBytes(new byte[] {5, 0, 'x', 'x', 'x', 'x', 'x'});
    byte[] name = new byte[nameLength];
    Arrays.fill(name, (byte) 'n');
    m.writeBytes(name);
    m.write(0);
    m.writeBytes("a comment".getBytes(StandardCharsets.US_ASCII));
    m.write(0);
    m.writeBytes(new byte[] {0x12, 0x34});
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(deflated,
        new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
      d.write(data);
    }
    m.writeBytes(deflated.toByteArray());
    CRC32 crc = new CRC32();
    crc.update(data);
    writeLe32(m, crc.getValue());
    writeLe32(m, data.length);
    return m.toByteArray();
  }

  private static void writeLe32(ByteArrayOutputStream out, long v) {
    out.write((int) v);
    out.write((int) (v >> 8));
    out.write((int) (v >> 16));
    out.write((int) (v >> 24));
  }

  @Test
  void gzip_optionalHeaderFieldsAndAHugeName_areSkippedWithoutBeingKept() throws Exception {
    byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
    assertThat(gunzip(memberWithAllFields(data, 8 << 20))).isEqualTo(data);
  }

  @Test
  void gzip_damage_isAZipOrEofException() throws Exception {
    byte[] good = gzip("some data to protect".getBytes(StandardCharsets.UTF_8));
    byte[] badCrc = good.clone();
    badCrc[badCrc.length - 6] ^= 1;
    assertThatThrownBy(() -> gunzip(badCrc)).isInstanceOf(ZipException.class)
        .hasMessageContaining("CRC-32");
    assertThatThrownBy(() -> gunzip(Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> gunzip(Arrays.copyOf(good, 12)))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> gunzip("not gzip".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(ZipException.class);
    ByteArrayOutputStream trailing = new ByteArrayOutputStream();
    trailing.writeBytes(good);
    trailing.writeBytes(new byte[1000]);
    assertThat(gunzip(trailing.toByteArray())).as("trailing zeros are ignored, as gzip does")
        .isEqualTo("some data to protect".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void gzip_millionEmptyMembers_readInConstantStack() throws Exception {
    byte[] empty = gzip(new byte[0]);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 1_000_000; i++) {
      all.writeBytes(empty);
    }
    all.writeBytes(gzip("end".getBytes(StandardCharsets.UTF_8)));
    assertThat(gunzip(all.toByteArray())).isEqualTo("end".getBytes(StandardCharsets.UTF_8));
  }

  /** A zstd frame asking for a 2^windowLog window, holding {@code content} in one raw block. */
  private static byte[] zstdFrame(int windowLog, byte[] content) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0,
        (byte) ((windowLog - 10) << 3)});
    int header = (content.length << 3) | 1;
    f.writeBytes(new byte[] {(byte) header, (byte) (header >> 8), (byte) (header >> 16)});
    f.writeBytes(content);
    return f.toByteArray();
  }

  @Test
  void zstd_windowAboveTheLimit_failsNamingItUnlessRaised() throws Exception {
    byte[] frame = zstdFrame(29, "windowed".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Compression.ZSTD.decompress(new ByteArrayInputStream(frame),
        ArchiveLimits.defaults()).readAllBytes())
        .isInstanceOf(ArchiveLimitExceededException.class)
        .hasMessageContaining("larger than 134217728 bytes")
        .hasMessageContaining("ArchiveLimits.maxZstdWindowSize");
    try (InputStream in = Compression.ZSTD.decompress(new ByteArrayInputStream(frame),
        ArchiveLimits.builder().maxZstdWindowSize(1 << 29).build())) {
      assertThat(in.readAllBytes()).isEqualTo("windowed".getBytes(StandardCharsets.UTF_8));
    }
  }
}

package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.internal.tar.TarEntry;
import io.berth.storage.internal.tar.TarReader;
import io.berth.storage.internal.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Berth's tar reader and writer: formats, limits, damage, reproducible output. */
class TarCodecTest {
  @TempDir Path dir;

  private static List<TarEntry> readAll(byte[] tar, ArchiveLimits limits) throws Exception {
    TarReader r = new TarReader(new ByteArrayInputStream(tar), limits, limits.maxLayerSize());
    List<TarEntry> out = new java.util.ArrayList<>();
    TarEntry e;
    while ((e = r.next()) != null) {
      out.add(e);
    }
    return out;
  }

  @Test
  void writer_longNamesBigIdsAndBinaryXattrs_readBackByCommonsCompressAndBerth()
      throws Exception {
    String longName = "dir/".repeat(40) + "file-ü";
    byte[] binary = {0x01, 0x00, 0x00, 0x02, (byte) 0xff, (byte) 0x80, 0x00, 0x7f};
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    xattrs.put("security.capability", binary);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter w = new TarWriter(out);
    w.putEntry(new TarEntry(longName, TarEntry.Type.FILE).mode(04755).owner(3_000_000_000L, 7)
        .mtime(1_700_000_000L, 0).size(3).xattrs(xattrs));
    w.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
    w.putEntry(new TarEntry("link", TarEntry.Type.SYMLINK).linkName("t".repeat(150)));
    w.putEntry(new TarEntry("dev/null", TarEntry.Type.CHAR_DEVICE).mode(0666).device(1, 3));
    w.finish();
    byte[] tar = out.toByteArray();

    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e = in.getNextEntry();
      assertThat(e.getName()).isEqualTo(longName);
      assertThat(e.getMode() & 07777).isEqualTo(04755);
      assertThat(e.getLongUserId()).isEqualTo(3_000_000_000L);
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
      assertThat(in.getNextEntry().getLinkName()).isEqualTo("t".repeat(150));
      TarArchiveEntry dev = in.getNextEntry();
      assertThat(dev.isCharacterDevice()).isTrue();
      assertThat(dev.getDevMajor()).isEqualTo(1);
      assertThat(dev.getDevMinor()).isEqualTo(3);
    }
    List<TarEntry> berth = readAll(tar, ArchiveLimits.defaults());
    assertThat(berth.get(0).name()).isEqualTo(longName);
    assertThat(berth.get(0).uid()).isEqualTo(3_000_000_000L);
    assertThat(berth.get(0).xattrs().get("security.capability")).isEqualTo(binary);
    assertThat(berth).hasSize(3);
  }

  @Test
  void writer_sameEntriesTwice_givesIdenticalBytes() throws Exception {
    byte[][] results = new byte[2][];
    for (int i = 0; i < 2; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TarWriter w = new TarWriter(out);
      w.putEntry(new TarEntry("é".repeat(80), TarEntry.Type.DIRECTORY).mode(0755));
      w.putEntry(new TarEntry("f", TarEntry.Type.FILE).size(1).mtime(5, 0));
      w.write(new byte[] {1}, 0, 1);
      w.finish();
      results[i] = out.toByteArray();
    }
    assertThat(results[0]).isEqualTo(results[1]);
  }

  @Test
  void reader_badChecksum_isAFormatError() {
    byte[] tar = new TarBuilder().file("a", "a").build();
    tar[10] ^= 1;
    assertThatThrownBy(() -> readAll(tar, ArchiveLimits.defaults()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("checksum");
  }

  @Test
  void reader_truncatedInsideData_isAFormatError() {
    byte[] tar = new TarBuilder().file("a", "x".repeat(5000)).build();
    byte[] cut = Arrays.copyOf(tar, 2048);
    assertThatThrownBy(() -> {
      TarReader r = new TarReader(new ByteArrayInputStream(cut), ArchiveLimits.defaults(),
          Long.MAX_VALUE);
      r.next();
      byte[] buf = new byte[8192];
      while (r.read(buf, 0, buf.length) >= 0) {
        // read until the damage shows
      }
    }).isInstanceOf(ImageFormatException.class).hasMessageContaining("truncated");
  }

  @Test
  void reader_limits_failFastNamingTheLimit() throws Exception {
    byte[] many = new TarBuilder().file("a", "a").file("b", "b").file("c", "c").build();
    assertThatThrownBy(() -> readAll(many, ArchiveLimits.builder().maxEntries(2).build()))
        .isInstanceOf(ArchiveLimitExceededException.class).hasMessageContaining("maxEntries");

    byte[] longName = new TarBuilder().file("n".repeat(300), "x").build();
    assertThatThrownBy(() -> readAll(longName, ArchiveLimits.builder().maxPathLength(200)
        .build())).isInstanceOf(ArchiveLimitExceededException.class);

    byte[] bigPax = new TarBuilder().file("p", "x", 0644,
        Map.of("comment", "c".repeat(5000))).build();
    assertThatThrownBy(() -> readAll(bigPax, ArchiveLimits.builder().maxPaxHeaderSize(1024)
        .build())).isInstanceOf(ArchiveLimitExceededException.class)
        .hasMessageContaining("PAX");
  }

  @Test
  void importRootfs_gzipBomb_stopsAtTheLayerLimitAndKeepsNothing() throws Exception {
    // 256 MiB of zeros inside one tar entry compress to a quarter of a MiB.
    Path bomb = dir.resolve("bomb.tar.gz");
    try (var out = new GZIPOutputStream(Files.newOutputStream(bomb), 1 << 16)) {
      var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out);
      var e = new TarArchiveEntry("zeros");
      long size = 1L << 28;
      e.setSize(size);
      t.putArchiveEntry(e);
      byte[] zeros = new byte[1 << 20];
      for (long n = 0; n < size; n += zeros.length) {
        t.write(zeros);
      }
      t.closeArchiveEntry();
      t.finish();
    }
    try (Store store = Store.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .driver("vfs").limits(ArchiveLimits.builder().maxLayerSize(64 << 20).build()).build()) {
      assertThatThrownBy(() -> store.importRootfs(bomb, ImageOptions.defaults()))
          .isInstanceOf(ArchiveLimitExceededException.class)
          .hasMessageContaining("maxLayerSize");
      assertThat(store.layers()).isEmpty();
      assertThat(TestStores.list(dir.resolve("root/vfs"))).isEmpty();
    }
  }

  /** A ustar header block, checksum included. */
  private static byte[] header(String name, char type, long size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    putOctal(h, 100, 8, 0644);
    putOctal(h, 108, 8, 0);
    putOctal(h, 116, 8, 0);
    putOctal(h, 124, 12, size);
    putOctal(h, 136, 12, 1_700_000_000L);
    h[156] = (byte) type;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    putOctal(h, 148, 7, sum);
    return h;
  }

  private static void putOctal(byte[] h, int off, int len, long v) {
    String s = String.format("%0" + (len - 1) + "o", v);
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
  }

  /** A tar of one empty file preceded by a PAX header with the given raw records. */
  private static byte[] withPax(String records) {
    byte[] body = records.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("PaxHeaders/f", 'x', body.length));
    out.writeBytes(Arrays.copyOf(body, (body.length + 511) / 512 * 512));
    out.writeBytes(header("f", '0', 0));
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  @Test
  void reader_paxTimesAndIdsAndBaseTwoFiftySix_areDecoded() throws Exception {
    TarEntry e = readAll(withPax("15 mtime=-1.25\n18 uid=4294967294\n"),
        ArchiveLimits.defaults()).get(0);
    assertThat(e.mtimeSeconds()).isEqualTo(-2);
    assertThat(e.mtimeNanos()).isEqualTo(750_000_000);
    assertThat(e.uid()).isEqualTo(4294967294L);
    assertThatThrownBy(() -> readAll(withPax("18 uid=4294967295\n"), ArchiveLimits.defaults()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("owner");
    assertThatThrownBy(() -> readAll(withPax("99 uid=1\n"), ArchiveLimits.defaults()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("PAX");

    ByteArrayOutputStream star = new ByteArrayOutputStream();
    try (var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(star)) {
      t.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream
          .BIGNUMBER_STAR);
      TarArchiveEntry big = new TarArchiveEntry("big");
      big.setUserId(3_000_000_000L);
      big.setGroupId(3_000_000_001L);
      t.putArchiveEntry(big);
      t.closeArchiveEntry();
    }
    TarEntry b = readAll(star.toByteArray(), ArchiveLimits.defaults()).get(0);
    assertThat(b.uid()).isEqualTo(3_000_000_000L);
    assertThat(b.gid()).isEqualTo(3_000_000_001L);
  }


  @Test
  void reader_paxTimeThatIsNotPlainDecimal_isRejectedWithoutArithmetic() {
    for (String mtime : new String[] {"1e999999999", "1E+9999", "0x10", "9".repeat(100)}) {
      assertThatThrownBy(() -> readAll(withPax(record("mtime", mtime)),
          ArchiveLimits.defaults())).as(mtime).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("mtime is not a decimal time");
    }
  }

  /** One PAX record with its length prefix computed. */
  private static String record(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.getBytes(StandardCharsets.UTF_8).length;
    int digits = String.valueOf(len).length();
    while (String.valueOf(len + digits).length() != digits) {
      digits++;
    }
    return (len + digits) + body;
  }

  @Test
  void reader_globalPaxHeadersAddingUpPastTheCap_areRefused() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      byte[] body = record("BERTH.g" + i, "g".repeat(400)).getBytes(StandardCharsets.UTF_8);
      out.writeBytes(header("pax_global_header", 'g', body.length));
      out.writeBytes(Arrays.copyOf(body, (body.length + 511) / 512 * 512));
    }
    out.writeBytes(header("f", '0', 0));
    out.writeBytes(new byte[1024]);
    assertThatThrownBy(() -> readAll(out.toByteArray(), ArchiveLimits.builder()
        .maxPaxHeaderSize(1024).build())).isInstanceOf(ArchiveLimitExceededException.class)
        .hasMessageContaining("global PAX headers").hasMessageContaining("maxPaxHeaderSize");
  }

  @Test
  void reader_sizeFieldAboveTheLayerLimit_failsBeforeReadingData() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("big", '0', 1L << 30));
    out.writeBytes(new byte[512]);
    assertThatThrownBy(() -> readAll(out.toByteArray(), ArchiveLimits.builder()
        .maxLayerSize(1 << 20).build())).isInstanceOf(ArchiveLimitExceededException.class)
        .hasMessageContaining("'big' says it holds 1073741824 bytes")
        .hasMessageContaining("ArchiveLimits.maxLayerSize");
  }
}

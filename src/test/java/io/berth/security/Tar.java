package io.berth.security;

import io.berth.testkit.BusyboxImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds layer tars with Commons Compress (independent of Berth's own tar code), writing
 * whatever names, modes and owners it is given, hostile ones included. Long names become PAX
 * records unless {@link #gnuLongNames()} asks for GNU {@code ././@LongLink} entries. For what
 * Commons Compress refuses to write (bad size fields, raw PAX records) see {@link RawTar}.
 * Not thread-safe.
 */
final class Tar {
  private static byte[] busyboxTar;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream out;

  private Tar() {
    out = new TarArchiveOutputStream(bytes, "UTF-8");
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  static Tar empty() {
    return new Tar();
  }

  /** A tar that starts with every entry of the standard busybox image. */
  static Tar busybox() {
    Tar t = new Tar();
    try (TarArchiveInputStream in = new TarArchiveInputStream(
        new ByteArrayInputStream(busyboxBytes()))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        t.out.putArchiveEntry(e);
        in.transferTo(t.out);
        t.out.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t;
  }

  private static synchronized byte[] busyboxBytes() throws IOException {
    if (busyboxTar == null) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      BusyboxImage.standard().writeTar(b);
      busyboxTar = b.toByteArray();
    }
    return busyboxTar;
  }

  /** Writes long names and link targets as GNU long-name entries instead of PAX records. */
  Tar gnuLongNames() {
    out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
    return this;
  }

  /** Adds any entry; {@code setup} may change everything the constructor set. */
  Tar entry(String name, byte linkFlag, byte[] content, Consumer<TarArchiveEntry> setup) {
    TarArchiveEntry e = new TarArchiveEntry(name, linkFlag, true);
    e.setModTime(1_700_000_000_000L);
    e.setIds(0, 0);
    e.setUserName("");
    e.setGroupName("");
    if (content != null) {
      e.setSize(content.length);
    }
    setup.accept(e);
    try {
      out.putArchiveEntry(e);
      if (content != null) {
        out.write(content);
      }
      out.closeArchiveEntry();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return this;
  }

  Tar dir(String name, int mode) {
    return entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, null,
        e -> e.setMode(mode));
  }

  Tar file(String name, String content) {
    return file(name, content, 0644);
  }

  Tar file(String name, String content, int mode) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), mode, Map.of());
  }

  /** A file with extra PAX records, like {@code SCHILY.xattr.user.x} or {@code path}. */
  Tar file(String name, byte[] content, int mode, Map<String, String> pax) {
    return entry(name, TarConstants.LF_NORMAL, content, e -> {
      e.setMode(mode);
      pax.forEach(e::addPaxHeader);
    });
  }

  Tar symlink(String name, String target) {
    return entry(name, TarConstants.LF_SYMLINK, null, e -> {
      e.setLinkName(target);
      e.setMode(0777);
    });
  }

  Tar hardlink(String name, String target) {
    return entry(name, TarConstants.LF_LINK, null, e -> {
      e.setLinkName(target);
      e.setMode(0644);
    });
  }

  Tar fifo(String name, int mode) {
    return entry(name, TarConstants.LF_FIFO, null, e -> e.setMode(mode));
  }

  Tar charDevice(String name, int major, int minor, int mode) {
    return entry(name, TarConstants.LF_CHR, null, e -> {
      e.setMode(mode);
      e.setDevMajor(major);
      e.setDevMinor(minor);
    });
  }

  Tar blockDevice(String name, int major, int minor, int mode) {
    return entry(name, TarConstants.LF_BLK, null, e -> {
      e.setMode(mode);
      e.setDevMajor(major);
      e.setDevMinor(minor);
    });
  }

  byte[] bytes() {
    try {
      out.finish();
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  Path write(Path file) throws IOException {
    Files.write(file, bytes());
    return file;
  }
}

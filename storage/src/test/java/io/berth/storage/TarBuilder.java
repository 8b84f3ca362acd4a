package io.berth.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds tar archives for tests with Commons Compress, an implementation independent of
 * Berth's own tar code, writing whatever names it is given (hostile ones included).
 */
final class TarBuilder {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;

  TarBuilder() {
    tar = new TarArchiveOutputStream(bytes, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  private TarBuilder put(TarArchiveEntry e, byte[] content) {
    try {
      e.setModTime(1_700_000_000_000L);
      tar.putArchiveEntry(e);
      if (content != null) {
        tar.write(content);
      }
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new AssertionError(ex);
    }
  }

  TarBuilder dir(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/",
        TarConstants.LF_DIR);
    e.setMode(mode);
    return put(e, null);
  }

  TarBuilder file(String name, String content) {
    return file(name, content, 0644, Map.of());
  }

  TarBuilder file(String name, String content, int mode, Map<String, String> pax) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
    e.setMode(mode);
    e.setSize(data.length);
    pax.forEach(e::addPaxHeader);
    return put(e, data);
  }

  TarBuilder symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    e.setMode(0777);
    return put(e, null);
  }

  TarBuilder hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    e.setMode(0644);
    return put(e, null);
  }

  /** A fifo ({@code LF_FIFO}) or device node ({@code LF_CHR}, {@code LF_BLK}). */
  TarBuilder special(String name, byte type, int major, int minor) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode(0644);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return put(e, null);
  }

  byte[] build() {
    try {
      tar.finish();
      tar.close();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}

package io.berth.storage.internal.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tar archives in the form every reader accepts: ustar headers, with a PAX extended
 * header only where ustar cannot say it (long or non-ASCII names, large numbers, xattrs, which
 * are written byte for byte). Numeric owners only, no user or group names, no atime or ctime,
 * whole-second mtimes: the same entries always give the same bytes.
 *
 * <p>Not thread-safe. {@link #finish()} writes the end-of-archive blocks; the stream is never
 * closed.
 */
public final class TarWriter {
  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_8 = 07777777L;
  private static final long MAX_OCTAL_12 = 077777777777L;

  private final OutputStream out;
  private final byte[] zeros = new byte[BLOCK];
  private long remaining;
  private long written;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** Bytes written so far. */
  public long written() {
    return written;
  }

  /**
   * Writes an entry's header; a file's {@link TarEntry#size()} bytes of data must follow
   * through {@link #write} before the next entry.
   */
  public void putEntry(TarEntry e) throws IOException {
    if (remaining != 0) {
      throw new IllegalStateException("previous entry is missing " + remaining + " data bytes");
    }
    String name = e.type() == TarEntry.Type.DIRECTORY && !e.name().endsWith("/")
        ? e.name() + "/" : e.name();
    long size = e.type() == TarEntry.Type.FILE ? e.size() : 0;
    Map<String, byte[]> pax = new LinkedHashMap<>();
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    String[] split = splitName(name, nameBytes);
    if (split == null) {
      pax.put("path", nameBytes);
    }
    byte[] linkBytes = e.linkName().getBytes(StandardCharsets.UTF_8);
    if (linkBytes.length > 100 || !isAscii(linkBytes)) {
      pax.put("linkpath", linkBytes);
    }
    if (size > MAX_OCTAL_12) {
      pax.put("size", ascii(Long.toString(size)));
    }
    if (e.uid() > MAX_OCTAL_8) {
      pax.put("uid", ascii(Long.toString(e.uid())));
    }
    if (e.gid() > MAX_OCTAL_8) {
      pax.put("gid", ascii(Long.toString(e.gid())));
    }
    if (e.mtimeSeconds() < 0 || e.mtimeSeconds() > MAX_OCTAL_12) {
      pax.put("mtime", ascii(Long.toString(e.mtimeSeconds())));
    }
    if (e.devMajor() > MAX_OCTAL_8) {
      pax.put("SCHILY.devmajor", ascii(Integer.toUnsignedString(e.devMajor())));
    }
    if (e.devMinor() > MAX_OCTAL_8) {
      pax.put("SCHILY.devminor", ascii(Integer.toUnsignedString(e.devMinor())));
    }
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
    }
    if (!pax.isEmpty()) {
      byte[] records = paxRecords(pax);
      String paxName = paxHeaderName(name);
      writeHeader(paxName.getBytes(StandardCharsets.UTF_8), null, 'x', 0644, 0, 0,
          records.length, Math.max(0, Math.min(e.mtimeSeconds(), MAX_OCTAL_12)), new byte[0],
          0, 0);
      writeData(records, 0, records.length);
      pad(records.length);
    }
    char flag;
    switch (e.type()) {
      case FILE:
        flag = '0';
        break;
      case HARDLINK:
        flag = '1';
        break;
      case SYMLINK:
        flag = '2';
        break;
      case CHAR_DEVICE:
        flag = '3';
        break;
      case BLOCK_DEVICE:
        flag = '4';
        break;
      case DIRECTORY:
        flag = '5';
        break;
      case FIFO:
        flag = '6';
        break;
      default:
        throw new IllegalArgumentException("unknown type " + e.type());
    }
    byte[] headerName = split != null ? split[1].getBytes(StandardCharsets.UTF_8)
        : truncate(nameBytes, 100);
    byte[] prefix = split != null && split[0] != null
        ? split[0].getBytes(StandardCharsets.UTF_8) : null;
    writeHeader(headerName, prefix, flag, e.mode(), Math.min(e.uid(), MAX_OCTAL_8),
        Math.min(e.gid(), MAX_OCTAL_8), Math.min(size, MAX_OCTAL_12),
        Math.max(0, Math.min(e.mtimeSeconds(), MAX_OCTAL_12)), truncate(linkBytes, 100),
        Math.min(e.devMajor() & 0xFFFFFFFFL, MAX_OCTAL_8),
        Math.min(e.devMinor() & 0xFFFFFFFFL, MAX_OCTAL_8));
    remaining = size;
  }

  /** Writes data of the current file entry. */
  public void write(byte[] b, int off, int len) throws IOException {
    if (len > remaining) {
      throw new IllegalStateException("entry data longer than its size (" + remaining
          + " bytes left, " + len + " given)");
    }
    writeData(b, off, len);
    remaining -= len;
    if (remaining == 0) {
      pad(written);
    }
  }

  /** Copies exactly the rest of the current entry's data from {@code in}. */
  public void copyFrom(InputStream in, byte[] buffer) throws IOException {
    while (remaining > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (n < 0) {
        throw new IOException("source ended " + remaining + " bytes early (file changed while"
            + " being archived?)");
      }
      write(buffer, 0, n);
    }
  }

  /** Bytes of the current entry still to be written. */
  public long remaining() {
    return remaining;
  }

  /** Writes the two zero blocks that end an archive. Does not close the stream. */
  public void finish() throws IOException {
    if (remaining != 0) {
      throw new IllegalStateException("last entry is missing " + remaining + " data bytes");
    }
    writeData(zeros, 0, BLOCK);
    writeData(zeros, 0, BLOCK);
    out.flush();
  }

  private void writeData(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    written += len;
  }

  private void pad(long length) throws IOException {
    int pad = (int) ((BLOCK - length % BLOCK) % BLOCK);
    if (pad > 0) {
      writeData(zeros, 0, pad);
    }
  }

  private void writeHeader(byte[] name, byte[] prefix, char flag, int mode, long uid, long gid,
      long size, long mtime, byte[] link, long devMajor, long devMinor) throws IOException {
    byte[] h = new byte[BLOCK];
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    h[156] = (byte) flag;
    System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    if (flag == '3' || flag == '4') {
      octal(h, 329, 8, devMajor);
      octal(h, 337, 8, devMinor);
    }
    if (prefix != null) {
      System.arraycopy(prefix, 0, h, 345, Math.min(155, prefix.length));
    }
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    writeData(h, 0, BLOCK);
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    int digits = len - 1;
    StringBuilder sb = new StringBuilder(digits);
    for (int i = s.length(); i < digits; i++) {
      sb.append('0');
    }
    sb.append(s);
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, digits);
    h[off + digits] = 0;
  }

  /**
   * Splits an ASCII name into ustar's prefix (155) and name (100) fields at a slash, or
   * returns null when it cannot be said without PAX.
   */
  private static String[] splitName(String name, byte[] bytes) {
    if (!isAscii(bytes)) {
      return null;
    }
    if (bytes.length <= 100) {
      return new String[] {null, name};
    }
    if (bytes.length > 256) {
      return null;
    }
    for (int i = name.length() - 1; i > 0; i--) {
      if (name.charAt(i) == '/' && i <= 155 && name.length() - i - 1 <= 100
          && name.length() - i - 1 > 0) {
        return new String[] {name.substring(0, i), name.substring(i + 1)};
      }
    }
    return null;
  }

  private static boolean isAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0x20 && x != '\t' || x < 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] truncate(byte[] b, int max) {
    return b.length <= max ? b : Arrays.copyOf(b, max);
  }

  /** A stable name for a PAX header entry: {@code PaxHeaders/<base name>}, ASCII, short. */
  private static String paxHeaderName(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    StringBuilder sb = new StringBuilder("PaxHeaders/");
    for (int i = 0; i < base.length() && sb.length() < 99; i++) {
      char c = base.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '_');
    }
    return sb.toString();
  }

  /** PAX records: {@code "<len> <key>=<value>\n"}, where len counts itself. */
  static byte[] paxRecords(Map<String, byte[]> records) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = r.getValue();
      int body = 1 + key.length + 1 + value.length + 1;
      int len = body + Integer.toString(body).length();
      if (Integer.toString(len).length() != Integer.toString(body).length()) {
        len = body + Integer.toString(len).length();
      }
      out.writeBytes(ascii(Integer.toString(len)));
      out.write(' ');
      out.writeBytes(key);
      out.write('=');
      out.writeBytes(value);
      out.write('\n');
    }
    return out.toByteArray();
  }
}

package io.berth.storage.internal.tar;

import io.berth.storage.ArchiveLimitExceededException;
import io.berth.storage.ArchiveLimits;
import io.berth.storage.ImageFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tar archives: ustar, GNU (long names, old sparse) and PAX (long names, big numbers,
 * sub-second mtimes, {@code SCHILY.xattr.*} and {@code LIBARCHIVE.xattr.*} with binary values,
 * sparse 0.0/0.1/1.0). Its own code rather than Commons Compress because that library decodes
 * PAX values as UTF-8 and so corrupts binary xattrs like {@code security.capability}, and
 * because every length read here is checked against {@link ArchiveLimits} before memory is
 * allocated for it.
 *
 * <p>Not thread-safe; one reader per stream. The stream is not closed.
 */
public final class TarReader {
  private static final int BLOCK = 512;
  /** Owner ids run 0..2^32-2; 2^32-1 is "no change" to chown(2). */
  static final long MAX_ID = 0xFFFF_FFFEL;

  private final InputStream in;
  private final ArchiveLimits limits;
  private final long maxBytes;
  private final byte[] buf = new byte[1 << 16];
  private int bufPos;
  private int bufLen;
  private final byte[] header = new byte[BLOCK];
  /** Bytes read from {@link #in}, including what still sits in {@link #buf}. */
  private long streamPos;
  private long remaining;
  private long padding;
  private long dataOffset;
  private int entries;
  private boolean ended;
  private final Map<String, byte[]> globalPax = new HashMap<>();
  private long globalPaxBytes;
  /** When set, sees every byte this reader consumes, in order; see {@link #recordInto}. */
  private TarIndexWriter index;
  /** True while {@link #read} fills the caller's buffer with entry data. */
  private boolean readingData;

  /**
   * @param maxBytes how many bytes the whole archive may have (use the layer limit for a
   *     layer, {@code Long.MAX_VALUE} for an outer archive whose members are checked on their
   *     own)
   */
  public TarReader(InputStream in, ArchiveLimits limits, long maxBytes) {
    this.in = in;
    this.limits = limits;
    this.maxBytes = maxBytes;
  }

  /**
   * Makes {@code writer} see every byte of the stream from here on (headers, data, padding,
   * whatever follows the end), so that it can index the archive. Call before the first
   * {@link #next}; skipping then reads instead of seeking.
   */
  public void recordInto(TarIndexWriter writer) {
    this.index = writer;
  }

  /** Bytes consumed from the stream so far. */
  public long position() {
    return streamPos - (bufLen - bufPos);
  }

  /** Where in the stream the current entry's data starts. */
  public long dataOffset() {
    return dataOffset;
  }

  /**
   * Advances to the next entry, skipping what is left of the current one.
   *
   * @return the entry, or null at the end of the archive
   * @throws ImageFormatException if the archive is malformed
   */
  public TarEntry next() throws IOException {
    if (index != null) {
      index.endEntry();
    }
    skipBytes(remaining + padding);
    remaining = 0;
    padding = 0;
    if (ended) {
      return null;
    }
    String longName = null;
    String longLink = null;
    Pax pax = null;
    while (true) {
      if (!readHeader()) {
        ended = true;
        return null;
      }
      char flag = (char) (header[156] & 0xff);
      long size = number(header, 124, 12, "size");
      switch (flag) {
        case 'x':
          pax = parsePax(readMeta(size, limits.maxPaxHeaderSize(), "PAX header",
              "maxPaxHeaderSize"));
          continue;
        case 'g':
          globalPaxBytes += size;
          if (globalPaxBytes > limits.maxPaxHeaderSize()) {
            throw new ArchiveLimitExceededException("the global PAX headers of this archive"
                + " add up to more than " + limits.maxPaxHeaderSize() + " bytes; raise"
                + " ArchiveLimits.maxPaxHeaderSize if the archive is genuine");
          }
          globalPax.putAll(parsePax(readMeta(size, limits.maxPaxHeaderSize(),
              "global PAX header", "maxPaxHeaderSize")).records);
          continue;
        case 'L':
          longName = cString(readMeta(size, limits.maxPathLength() + 1, "GNU long name",
              "maxPathLength"));
          continue;
        case 'K':
          longLink = cString(readMeta(size, limits.maxPathLength() + 1, "GNU long link name",
              "maxPathLength"));
          continue;
        case 'V':
          if (size > BLOCK) {
            throw new ImageFormatException("the tar archive's GNU volume header claims " + size
                + " bytes of data; it is corrupt");
          }
          skipBytes(padded(size));
          continue;
        default:
          break;
      }
      if (++entries > limits.maxEntries()) {
        throw new ArchiveLimitExceededException("the archive has more than "
            + limits.maxEntries() + " entries; raise ArchiveLimits.maxEntries if it is genuine");
      }
      return entry(flag, size, longName, longLink, pax);
    }
  }

  private TarEntry entry(char flag, long size, String longName, String longLink, Pax pax)
      throws IOException {
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't'
        && header[260] == 'a' && header[261] == 'r';
    boolean posix = ustar && header[262] == 0;
    String name = text(header, 0, 100);
    if (posix && header[345] != 0) {
      name = text(header, 345, 155) + "/" + name;
    }
    String link = text(header, 157, 100);
    if (longName != null) {
      name = longName;
    }
    if (longLink != null) {
      link = longLink;
    }
    Records records = new Records(pax == null ? Map.of() : pax.records, globalPax);
    name = paxText(records, "path", name);
    link = paxText(records, "linkpath", link);
    byte[] sparseName = records.get("GNU.sparse.name");
    if (sparseName != null) {
      name = decodeName(sparseName);
    }
    size = paxNumber(records, "size", size);
    TarEntry.Type type;
    switch (flag) {
      case '0':
      case '\0':
      case '7':
      case 'S':
        type = name.endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
        break;
      case '1':
        type = TarEntry.Type.HARDLINK;
        break;
      case '2':
        type = TarEntry.Type.SYMLINK;
        break;
      case '3':
        type = TarEntry.Type.CHAR_DEVICE;
        break;
      case '4':
        type = TarEntry.Type.BLOCK_DEVICE;
        break;
      case '5':
      case 'D':
        type = TarEntry.Type.DIRECTORY;
        break;
      case '6':
        type = TarEntry.Type.FIFO;
        break;
      default:
        throw new ImageFormatException("tar entry '" + name + "' has type '" + flag
            + "', which Berth does not support (multi-volume or vendor-specific archive)");
    }
    while (name.length() > 1 && name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (utf8Length(name) > limits.maxPathLength() || utf8Length(link) > limits.maxPathLength()) {
      throw new ArchiveLimitExceededException("tar entry name or link target longer than "
          + limits.maxPathLength() + " bytes: '" + abbreviate(name) + "'; raise"
          + " ArchiveLimits.maxPathLength if it is genuine");
    }
    if (name.indexOf('\0') >= 0 || link.indexOf('\0') >= 0) {
      throw new ImageFormatException("tar entry '" + abbreviate(name)
          + "' has a NUL character in its name or link target");
    }
    TarEntry entry = new TarEntry(name, type);
    entry.mode((int) number(header, 100, 8, "mode"));
    long uid = paxNumber(records, "uid", number(header, 108, 8, "uid"));
    long gid = paxNumber(records, "gid", number(header, 116, 8, "gid"));
    if (uid < 0 || uid > MAX_ID || gid < 0 || gid > MAX_ID) {
      throw new ImageFormatException("tar entry '" + abbreviate(name) + "' has owner " + uid
          + ":" + gid + ", outside 0.." + MAX_ID);
    }
    entry.owner(uid, gid);
    long mtime = number(header, 136, 12, "mtime");
    int nanos = 0;
    byte[] paxMtime = records.get("mtime");
    if (paxMtime != null && paxMtime.length > 0) {
      long[] t = decimalTime(paxMtime);
      mtime = t[0];
      nanos = (int) t[1];
    }
    entry.mtime(mtime, nanos);
    if (type == TarEntry.Type.SYMLINK || type == TarEntry.Type.HARDLINK) {
      if (link.isEmpty()) {
        throw new ImageFormatException("tar entry '" + abbreviate(name)
            + "' is a link with an empty target");
      }
      entry.linkName(link);
    }
    if (type == TarEntry.Type.CHAR_DEVICE || type == TarEntry.Type.BLOCK_DEVICE) {
      long major = paxNumber(records, "SCHILY.devmajor", ustar ? number(header, 329, 8, "devmajor") : 0);
      long minor = paxNumber(records, "SCHILY.devminor", ustar ? number(header, 337, 8, "devminor") : 0);
      if (major > 0xFFFFFFFL || minor > 0xFFFFFFFFL) {
        throw new ImageFormatException("tar entry '" + abbreviate(name) + "' has device number "
            + major + ":" + minor + " out of range");
      }
      entry.device((int) major, (int) minor);
    }
    Map<String, byte[]> xattrs = pax == null ? Map.of() : pax.xattrs;
    entry.xattrs(xattrs);
    entry.size(size);
    if (size < 0) {
      throw new ImageFormatException("tar entry '" + abbreviate(name) + "' has negative size");
    }
    // Like every mainstream reader: links, devices, fifos and directories are header-only,
    // whatever the size field says; a GNU dump directory's listing is skipped.
    long dataSize = type == TarEntry.Type.FILE || flag == 'D' ? size : 0;
    if (dataSize > maxBytes) {
      // Checked before any of it is read: a size field alone must not make us read or skip
      // more than the limit allows.
      throw new ArchiveLimitExceededException("tar entry '" + abbreviate(name) + "' says it"
          + " holds " + dataSize + " bytes, more than the " + maxBytes + " bytes a layer may"
          + " have; raise ArchiveLimits.maxLayerSize if it is genuine");
    }
    remaining = dataSize;
    padding = padded(dataSize) - dataSize;
    dataOffset = position();
    if (flag == 'S') {
      oldGnuSparse(entry);
    } else if (pax != null && (pax.sparse00 != null || records.containsKey("GNU.sparse.map")
        || records.containsKey("GNU.sparse.major"))) {
      paxSparse(entry, records, pax.sparse00);
    }
    if (entry.type() != TarEntry.Type.FILE) {
      entry.size(0);
    }
    return entry;
  }

  /**
   * Reads the current entry's data (for a sparse entry: the stored segments, in order).
   *
   * @return bytes read, or -1 at the end of the entry's data
   */
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    readingData = true;
    int n;
    try {
      n = fill(b, off, (int) Math.min(len, remaining));
    } finally {
      readingData = false;
    }
    if (n == 0 && len > 0) {
      throw new ImageFormatException("the tar archive is truncated inside an entry's data ("
          + position() + " bytes)");
    }
    remaining -= n;
    return n;
  }

  /** Reads exactly {@code len} bytes of the current entry's data. */
  public void readFully(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = read(b, off, len);
      if (n < 0) {
        throw new ImageFormatException("tar entry data ends early");
      }
      off += n;
      len -= n;
    }
  }

  /** Data bytes of the current entry not yet read. */
  public long remaining() {
    return remaining;
  }

  /** Reads and discards the rest of the stream, so that a digest over it is complete. */
  public void drain() throws IOException {
    skipBytes(remaining + padding);
    remaining = 0;
    padding = 0;
    if (index != null) {
      index.consumed(buf, bufPos, bufLen - bufPos, false);
    }
    bufPos = 0;
    bufLen = 0;
    int n;
    while ((n = in.read(buf, 0, buf.length)) >= 0) {
      streamPos += n;
      checkTotal();
      if (index != null) {
        index.consumed(buf, 0, n, false);
      }
    }
  }

  // ---- headers ----

  private boolean readHeader() throws IOException {
    int got = fill(header, 0, BLOCK);
    if (got == 0) {
      return false;
    }
    if (got < BLOCK) {
      throw new ImageFormatException("the tar archive is truncated (" + position()
          + " bytes, ending inside a header)");
    }
    boolean zero = true;
    for (int i = 0; i < BLOCK; i++) {
      if (header[i] != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      return false;
    }
    long stored = number(header, 148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xff;
      signed += (byte) b;
    }
    if (stored != unsigned && stored != signed) {
      throw new ImageFormatException("not a tar archive, or a corrupt one: header checksum"
          + " mismatch at offset " + (position() - BLOCK));
    }
    return true;
  }

  private byte[] readMeta(long size, int max, String what, String setting) throws IOException {
    if (size > max) {
      throw new ArchiveLimitExceededException(what + " of " + size + " bytes at offset "
          + position() + " is larger than the limit of " + max + " bytes; raise ArchiveLimits."
          + setting + " if the archive is genuine");
    }
    byte[] data = new byte[(int) size];
    if (fill(data, 0, data.length) < data.length) {
      throw new ImageFormatException("the tar archive is truncated inside a " + what);
    }
    skipBytes(padded(size) - size);
    return data;
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  /** A parsed extended header: its records, the xattrs, and PAX 0.0 sparse pairs. */
  private static final class Pax {
    final Map<String, byte[]> records = new HashMap<>();
    final Map<String, byte[]> xattrs = new LinkedHashMap<>();
    List<long[]> sparse00;
  }

  private Pax parsePax(byte[] data) {
    Pax pax = new Pax();
    long pendingOffset = -1;
    int pos = 0;
    while (pos < data.length) {
      int space = pos;
      long length = 0;
      while (space < data.length && data[space] != ' ') {
        byte c = data[space];
        if (c < '0' || c > '9' || space - pos > 9) {
          throw badPax("bad record length");
        }
        length = length * 10 + (c - '0');
        space++;
      }
      if (space >= data.length || length <= space - pos + 1 || pos + length > data.length
          || data[(int) (pos + length - 1)] != '\n') {
        throw badPax("bad record length");
      }
      int end = (int) (pos + length - 1);
      int eq = space + 1;
      while (eq < end && data[eq] != '=') {
        eq++;
      }
      if (eq >= end) {
        throw badPax("record without '='");
      }
      String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
      byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end);
      if (key.startsWith("SCHILY.xattr.")) {
        pax.xattrs.put(key.substring("SCHILY.xattr.".length()), value);
      } else if (key.startsWith("LIBARCHIVE.xattr.")) {
        String encoded = key.substring("LIBARCHIVE.xattr.".length());
        try {
          String name = java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8);
          pax.xattrs.put(name, Base64.getDecoder().decode(
              new String(value, StandardCharsets.US_ASCII).trim()));
        } catch (IllegalArgumentException e) {
          throw badPax("bad LIBARCHIVE.xattr record " + encoded);
        }
      } else if (key.equals("GNU.sparse.offset")) {
        pendingOffset = decimal(value, key);
      } else if (key.equals("GNU.sparse.numbytes")) {
        if (pendingOffset < 0) {
          throw badPax("GNU.sparse.numbytes without GNU.sparse.offset");
        }
        if (pax.sparse00 == null) {
          pax.sparse00 = new ArrayList<>();
        }
        checkSparseCount(pax.sparse00.size() + 1);
        pax.sparse00.add(new long[] {pendingOffset, decimal(value, key)});
        pendingOffset = -1;
      } else {
        pax.records.put(key, value);
      }
      pos = (int) (pos + length);
    }
    return pax;
  }

  /**
   * An entry's PAX records over the archive's global ones, looked up without copying the
   * global map per entry (which a few large global headers would make quadratic).
   */
  private record Records(Map<String, byte[]> local, Map<String, byte[]> global) {
    byte[] get(String key) {
      byte[] v = local.get(key);
      return v != null ? v : global.get(key);
    }

    boolean containsKey(String key) {
      return local.containsKey(key) || global.containsKey(key);
    }
  }

  private static int utf8Length(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return n;
  }

  private static ImageFormatException badPax(String what) {
    return new ImageFormatException("malformed PAX extended header: " + what);
  }

  private String paxText(Records records, String key, String fallback) {
    byte[] v = records.get(key);
    return v == null || v.length == 0 ? fallback : decodeName(v);
  }

  private static long paxNumber(Records records, String key, long fallback) {
    byte[] v = records.get(key);
    return v == null || v.length == 0 ? fallback : decimal(v, key);
  }

  private static long decimal(byte[] v, String key) {
    String s = new String(v, StandardCharsets.US_ASCII);
    try {
      long n = Long.parseLong(s.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw badPax("value of " + key + " is not a non-negative number: '" + s + "'");
    }
  }

  /**
   * PAX times: decimal seconds, optionally negative, optionally with a fraction. Only plain
   * digits are accepted (no exponent), so a hostile value cannot make the arithmetic below
   * build a number of a billion digits.
   */
  private static final java.util.regex.Pattern DECIMAL_TIME =
      java.util.regex.Pattern.compile("-?[0-9]{1,19}(\\.[0-9]{0,30})?");

  private static long[] decimalTime(byte[] v) {
    String s = new String(v, StandardCharsets.US_ASCII).trim();
    if (s.length() > 64 || !DECIMAL_TIME.matcher(s).matches()) {
      throw badPax("mtime is not a decimal time: '" + abbreviate(s) + "'");
    }
    try {
      java.math.BigDecimal d = new java.math.BigDecimal(s);
      java.math.BigDecimal seconds = d.setScale(0, java.math.RoundingMode.FLOOR);
      long nanos = d.subtract(seconds).movePointRight(9)
          .setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
      return new long[] {seconds.longValueExact(), nanos};
    } catch (NumberFormatException | ArithmeticException e) {
      throw badPax("mtime is not a decimal time: '" + abbreviate(s) + "'");
    }
  }

  // ---- sparse files ----

  private void checkSparseCount(int count) {
    if (count > limits.maxPaxHeaderSize() / 8) {
      throw new ArchiveLimitExceededException("a sparse file has more than "
          + limits.maxPaxHeaderSize() / 8 + " segments; raise ArchiveLimits.maxPaxHeaderSize"
          + " if the archive is genuine");
    }
  }

  private void oldGnuSparse(TarEntry entry) throws IOException {
    List<long[]> map = new ArrayList<>();
    readSparseRecords(header, 386, 4, map);
    long realSize = number(header, 483, 12, "realsize");
    boolean extended = header[482] != 0;
    byte[] ext = new byte[BLOCK];
    while (extended) {
      if (fill(ext, 0, BLOCK) < BLOCK) {
        throw new ImageFormatException("truncated GNU sparse header of '" + entry.name() + "'");
      }
      readSparseRecords(ext, 0, 21, map);
      extended = ext[504] != 0;
    }
    dataOffset = position();
    setSparse(entry, map, realSize);
  }

  private void readSparseRecords(byte[] block, int start, int count, List<long[]> map) {
    for (int i = 0; i < count; i++) {
      int at = start + i * 24;
      if (block[at] == 0 && block[at + 12] == 0) {
        return;
      }
      checkSparseCount(map.size() + 1);
      map.add(new long[] {number(block, at, 12, "sparse offset"),
          number(block, at + 12, 12, "sparse size")});
    }
  }

  private void paxSparse(TarEntry entry, Records records, List<long[]> map00)
      throws IOException {
    byte[] major = records.get("GNU.sparse.major");
    long realSize = records.containsKey("GNU.sparse.realsize")
        ? decimal(records.get("GNU.sparse.realsize"), "GNU.sparse.realsize")
        : paxNumber(records, "GNU.sparse.size", entry.size());
    List<long[]> map;
    if (major != null && decimal(major, "GNU.sparse.major") == 1) {
      map = sparse10Map(entry);
    } else if (records.containsKey("GNU.sparse.map")) {
      String[] parts = new String(records.get("GNU.sparse.map"), StandardCharsets.US_ASCII)
          .split(",", -1);
      if (parts.length % 2 != 0) {
        throw badPax("GNU.sparse.map has an odd number of values");
      }
      checkSparseCount(parts.length / 2);
      map = new ArrayList<>();
      for (int i = 0; i < parts.length; i += 2) {
        map.add(new long[] {decimal(parts[i].getBytes(StandardCharsets.US_ASCII), "map"),
            decimal(parts[i + 1].getBytes(StandardCharsets.US_ASCII), "map")});
      }
    } else if (map00 != null) {
      map = map00;
    } else {
      throw badPax("sparse file '" + entry.name() + "' without a sparse map");
    }
    setSparse(entry, map, realSize);
  }

  /** PAX sparse 1.0: the map is decimal lines at the start of the data, padded to a block. */
  private List<long[]> sparse10Map(TarEntry entry) throws IOException {
    List<Long> numbers = new ArrayList<>();
    long consumed = 0;
    StringBuilder line = new StringBuilder();
    byte[] one = new byte[1];
    long expected = -1;
    while (expected < 0 || numbers.size() < expected * 2) {
      if (read(one, 0, 1) < 0) {
        throw new ImageFormatException("truncated sparse map of '" + entry.name() + "'");
      }
      consumed++;
      if (one[0] == '\n') {
        long n = decimal(line.toString().getBytes(StandardCharsets.US_ASCII), "sparse map");
        line.setLength(0);
        if (expected < 0) {
          expected = n;
          checkSparseCount((int) Math.min(Integer.MAX_VALUE, n));
        } else {
          numbers.add(n);
        }
      } else {
        if (line.length() > 20) {
          throw new ImageFormatException("malformed sparse map of '" + entry.name() + "'");
        }
        line.append((char) one[0]);
      }
    }
    long pad = padded(consumed) - consumed;
    if (pad > remaining) {
      throw new ImageFormatException("truncated sparse map of '" + entry.name() + "'");
    }
    skipData(pad);
    dataOffset = position();
    entry.size(remaining);
    List<long[]> map = new ArrayList<>();
    for (int i = 0; i < numbers.size(); i += 2) {
      map.add(new long[] {numbers.get(i), numbers.get(i + 1)});
    }
    return map;
  }

  private void skipData(long n) throws IOException {
    skipBytes(n);
    remaining -= n;
  }

  private void setSparse(TarEntry entry, List<long[]> map, long realSize) {
    long end = 0;
    long total = 0;
    for (long[] seg : map) {
      if (seg[0] < end || seg[1] < 0 || seg[0] + seg[1] < seg[0]) {
        throw new ImageFormatException("sparse map of '" + entry.name()
            + "' has overlapping or unsorted segments");
      }
      end = seg[0] + seg[1];
      total += seg[1];
    }
    if (end > realSize || total != remaining) {
      throw new ImageFormatException("sparse map of '" + entry.name()
          + "' does not match its size");
    }
    if (realSize > limits.maxLayerSize()) {
      throw new ArchiveLimitExceededException("sparse file '" + entry.name() + "' claims "
          + realSize + " bytes, more than ArchiveLimits.maxLayerSize");
    }
    entry.size(remaining);
    entry.sparse(map, realSize);
  }

  // ---- fields ----

  private String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return decodeName(java.util.Arrays.copyOfRange(b, off, end));
  }

  private static String cString(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return decodeName(java.util.Arrays.copyOf(b, end));
  }

  /**
   * Names are UTF-8; a name that is not valid UTF-8 (old Latin-1 tars) is read as ISO-8859-1
   * rather than rejected, so that each byte still maps to one character.
   */
  static String decodeName(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return new String(b, StandardCharsets.ISO_8859_1);
    }
  }

  /** An octal field, or a base-256 one (high bit of the first byte set). */
  static long number(byte[] b, int off, int len, String field) {
    if ((b[off] & 0x80) != 0) {
      if ((b[off] & 0xff) == 0xff) {
        throw new ImageFormatException("tar header field " + field + " is negative");
      }
      long v = b[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        if ((v >>> 55) != 0) {
          throw new ImageFormatException("tar header field " + field + " is too large");
        }
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
    int i = off;
    int end = off + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    long v = 0;
    for (; i < end; i++) {
      byte c = b[i];
      if (c == ' ' || c == 0) {
        break;
      }
      if (c < '0' || c > '7') {
        throw new ImageFormatException("not a tar archive, or a corrupt one: header field "
            + field + " is not an octal number");
      }
      v = (v << 3) | (c - '0');
    }
    return v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }

  // ---- buffered input ----

  private int fill(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      if (bufPos < bufLen) {
        int n = Math.min(len - total, bufLen - bufPos);
        System.arraycopy(buf, bufPos, b, off + total, n);
        if (index != null) {
          index.consumed(b, off + total, n, readingData);
        }
        bufPos += n;
        total += n;
      } else if (len - total >= buf.length) {
        int n = in.read(b, off + total, len - total);
        if (n < 0) {
          break;
        }
        if (index != null) {
          index.consumed(b, off + total, n, readingData);
        }
        streamPos += n;
        total += n;
      } else {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
          break;
        }
        bufPos = 0;
        bufLen = n;
        streamPos += n;
      }
      checkTotal();
    }
    return total;
  }

  private void skipBytes(long n) throws IOException {
    while (n > 0) {
      if (bufPos < bufLen) {
        int k = (int) Math.min(n, bufLen - bufPos);
        if (index != null) {
          index.consumed(buf, bufPos, k, false);
        }
        bufPos += k;
        n -= k;
        continue;
      }
      // An index needs the skipped bytes too: read them through the buffer instead.
      long skipped = index != null ? 0 : in.skip(n);
      if (skipped <= 0) {
        int got = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (got < 0) {
          throw new ImageFormatException("the tar archive is truncated (" + position()
              + " bytes)");
        }
        bufPos = 0;
        bufLen = got;
        streamPos += got;
      } else {
        streamPos += skipped;
        n -= skipped;
      }
      checkTotal();
    }
  }

  private void checkTotal() {
    if (streamPos > maxBytes) {
      throw new ArchiveLimitExceededException("the archive expands to more than " + maxBytes
          + " bytes (a decompression bomb, or a layer larger than ArchiveLimits.maxLayerSize;"
          + " raise the limit if it is genuine)");
    }
  }
}

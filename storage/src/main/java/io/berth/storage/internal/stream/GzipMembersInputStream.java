package io.berth.storage.internal.stream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses gzip data made of any number of concatenated members (RFC 1952), one member
 * after the other in a loop, so stack and memory stay constant however many there are:
 * {@link java.util.zip.GZIPInputStream} recurses once per member and overflows the stack on
 * a million empty ones. Header fields (name, comment, extra) are skipped without being
 * stored; each member's CRC-32 and length are checked. Bytes after the last member that do
 * not start another one are ignored, as gzip(1) and GZIPInputStream do.
 *
 * <p>Not thread-safe. Closing it closes the underlying stream.
 */
public final class GzipMembersInputStream extends BulkInputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final InputStream in;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] buf;
  private int pos;
  private int lim;
  private boolean inMember;
  private boolean ended;
  private long members;
  private long memberLength;

  public GzipMembersInputStream(InputStream in, int bufferSize) {
    this.in = in;
    this.buf = new byte[bufferSize];
  }


  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!ended) {
      if (!inMember) {
        if (!startMember()) {
          ended = true;
          break;
        }
        continue;
      }
      int n;
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException("invalid deflate data in gzip member " + members + ": "
            + e.getMessage());
      }
      if (n > 0) {
        crc.update(b, off, n);
        memberLength += n;
        return n;
      }
      if (inflater.finished()) {
        pos = lim - inflater.getRemaining();
        endMember();
      } else if (inflater.needsDictionary()) {
        throw new ZipException("gzip member " + members + " needs a preset dictionary");
      } else if (inflater.needsInput()) {
        if (!fill()) {
          throw new EOFException("gzip data ends inside member " + members);
        }
        inflater.setInput(buf, pos, lim - pos);
        pos = lim;
      }
    }
    return -1;
  }

  /** Reads a member header; false at the end of the data (or trailing non-gzip bytes). */
  private boolean startMember() throws IOException {
    int id1 = next();
    if (id1 < 0 && members > 0) {
      return false;
    }
    int id2 = id1 < 0 ? -1 : next();
    if (id1 != 0x1f || id2 != 0x8b) {
      if (members > 0) {
        return false;
      }
      throw new ZipException("not in gzip format");
    }
    if (nextRequired() != 8) {
      throw new ZipException("gzip member " + (members + 1) + " uses an unknown compression"
          + " method");
    }
    int flags = nextRequired();
    skip(6); // mtime, extra flags, operating system
    if ((flags & FEXTRA) != 0) {
      skip(nextRequired() | nextRequired() << 8);
    }
    if ((flags & FNAME) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FCOMMENT) != 0) {
      skipZeroTerminated();
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    members++;
    inflater.reset();
    crc.reset();
    memberLength = 0;
    inMember = true;
    if (pos < lim) {
      inflater.setInput(buf, pos, lim - pos);
      pos = lim;
    }
    return true;
  }

  private void endMember() throws IOException {
    long storedCrc = littleEndian32();
    long storedLength = littleEndian32();
    if (storedCrc != crc.getValue()) {
      throw new ZipException("corrupt gzip data: CRC-32 mismatch in member " + members);
    }
    if (storedLength != (memberLength & 0xffff_ffffL)) {
      throw new ZipException("corrupt gzip data: length mismatch in member " + members);
    }
    inMember = false;
  }

  private long littleEndian32() throws IOException {
    return nextRequired() | (long) nextRequired() << 8 | (long) nextRequired() << 16
        | (long) nextRequired() << 24;
  }

  private boolean fill() throws IOException {
    if (pos < lim) {
      return true;
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  private int next() throws IOException {
    return fill() ? buf[pos++] & 0xff : -1;
  }

  private int nextRequired() throws IOException {
    int b = next();
    if (b < 0) {
      throw new EOFException("gzip data ends inside the header or trailer of member "
          + (members + 1));
    }
    return b;
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      nextRequired();
    }
  }

  private void skipZeroTerminated() throws IOException {
    while (nextRequired() != 0) {
      // Names and comments are not kept: a gigabyte-long one costs time, never memory.
    }
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }
}

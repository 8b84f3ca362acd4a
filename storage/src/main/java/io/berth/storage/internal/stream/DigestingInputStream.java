package io.berth.storage.internal.stream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes (sha256) and counts every byte read through it, and optionally copies them to a
 * second stream: the one pass that gives a blob's digest, its size and a copy on disk.
 * {@link #skip} reads through, so skipped bytes are hashed too. Not thread-safe.
 */
public final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest digest = sha256();
  private final OutputStream tee;
  private long count;
  private final byte[] scratch = new byte[8192];

  public DigestingInputStream(InputStream in) {
    this(in, null);
  }

  /** @param tee receives a copy of every byte read; may be null */
  public DigestingInputStream(InputStream in, OutputStream tee) {
    super(in);
    this.tee = tee;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      digest.update((byte) b);
      if (tee != null) {
        tee.write(b);
      }
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      digest.update(b, off, n);
      if (tee != null) {
        tee.write(b, off, n);
      }
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n) {
      int got = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (got < 0) {
        break;
      }
      skipped += got;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads the rest of the stream, so the digest covers all of it. */
  public void drain() throws IOException {
    byte[] buf = new byte[1 << 16];
    while (read(buf, 0, buf.length) >= 0) {
      // reading is the point
    }
  }

  /** Bytes read so far. */
  public long count() {
    return count;
  }

  /** {@code sha256:<hex>} of what was read; call once, at the end. */
  public String digest() {
    return Digests.PREFIX + Digests.hex(digest.digest());
  }
}

package io.berth.storage.internal.stream;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose subclasses implement only the bulk {@link #read(byte[], int, int)}:
 * the single-byte read goes through it, so the two can never disagree.
 */
public abstract class BulkInputStream extends InputStream {
  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}

package io.berth.oci.internal.sys;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * The read end of a pipe from a child process, as a stream. Unlike a stream over a JDK file
 * descriptor, {@link #close()} from another thread wakes a blocked {@code read}, which then
 * throws {@link java.nio.channels.AsynchronousCloseException}; a thread interrupted while
 * blocked gets {@link java.nio.channels.ClosedByInterruptException} and the stream is closed.
 *
 * <p>Thread-safe; concurrent reads take turns.
 */
public final class PipeInputStream extends InputStream {
  private static final int CHUNK = 16 * 1024;

  private final PipeEnd end;
  /** Native landing area for read(2); guarded by itself. */
  private final Memory buffer = new Memory(CHUNK);

  /** Takes over {@code fd} (non-blocking). */
  public PipeInputStream(int fd) {
    this.end = new PipeEnd(this, fd);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    try {
      synchronized (buffer) {
        int n = end.read(buffer, Math.min(len, CHUNK));
        if (n > 0) {
          buffer.read(0, b, off, n);
        }
        return n;
      }
    } finally {
      // The stream must stay reachable while a read blocks, or its cleaner would close it.
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public void close() {
    end.close();
  }
}

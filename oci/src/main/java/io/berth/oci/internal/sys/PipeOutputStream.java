package io.berth.oci.internal.sys;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * The write end of a pipe to a child process, as an unbuffered stream: every write reaches the
 * pipe before it returns. {@link #close()} from another thread wakes a blocked write; a child
 * that closed its end makes writes fail with an {@link IOException}.
 *
 * <p>Thread-safe; concurrent writes take turns.
 */
public final class PipeOutputStream extends OutputStream {
  private static final int CHUNK = 16 * 1024;

  private final PipeEnd end;
  /** Native staging area for write(2); guarded by itself. */
  private final Memory buffer = new Memory(CHUNK);

  /** Takes over {@code fd} (non-blocking). */
  public PipeOutputStream(int fd) {
    this.end = new PipeEnd(this, fd);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    try {
      synchronized (buffer) {
        while (len > 0) {
          int chunk = Math.min(len, CHUNK);
          buffer.write(0, b, off, chunk);
          int n = end.write(buffer, chunk);
          off += n;
          len -= n;
        }
      }
    } finally {
      // The stream must stay reachable while a write blocks, or its cleaner would close it.
      Reference.reachabilityFence(this);
    }
  }

  @Override
  public void close() {
    end.close();
  }
}

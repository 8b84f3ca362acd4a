package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket (Java's own Unix sockets are stream-only).
 * Message boundaries are kept: each {@link #receive} returns one message.
 *
 * <p>Thread-safe: one thread may block in {@link #receive} while another sends, and
 * {@link #close()} wakes both before releasing the descriptor, so a descriptor number is never
 * used after it may have been reused.
 */
public final class SeqPacketSocket implements AutoCloseable {
  private static final int SUN_PATH_MAX = 108;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private int fd;

  private SeqPacketSocket(int fd) {
    this.fd = fd;
  }

  /**
   * Connects to the socket at {@code path}. The address is {@code /proc/self/fd/N/<name>} of an
   * O_PATH descriptor of the parent directory, so paths of any length work.
   */
  public static SeqPacketSocket connect(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    int dir;
    try {
      dir = LibC.INSTANCE.open(parent.toString(), LibC.O_PATH | LibC.O_DIRECTORY
          | LibC.O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new IOException("cannot open socket directory " + parent + ": "
          + Errno.describe(e), e);
    }
    int sock = -1;
    try {
      String address = "/proc/self/fd/" + dir + "/" + path.getFileName();
      byte[] name = address.getBytes(StandardCharsets.UTF_8);
      if (name.length >= SUN_PATH_MAX) {
        throw new IOException("socket name " + path.getFileName() + " is too long");
      }
      byte[] sockaddr = new byte[2 + name.length + 1];
      sockaddr[0] = (byte) LibC.AF_UNIX; // sa_family_t, little-endian on every Linux Berth runs on
      System.arraycopy(name, 0, sockaddr, 2, name.length);
      sock = LibC.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0);
      LibC.INSTANCE.connect(sock, sockaddr, sockaddr.length);
      int connected = sock;
      sock = -1;
      return new SeqPacketSocket(connected);
    } catch (LastErrorException e) {
      throw new IOException("cannot connect to " + path + ": " + Errno.describe(e), e);
    } finally {
      Fds.closeQuietly(sock);
      Fds.closeQuietly(dir);
    }
  }

  /**
   * Receives one message into {@code buf}.
   *
   * @return its length, or -1 once the peer closed (or this socket was closed)
   */
  public int receive(byte[] buf) throws IOException {
    lock.readLock().lock();
    try {
      if (fd < 0) {
        return -1;
      }
      while (true) {
        try {
          int n = (int) LibC.INSTANCE.recv(fd, buf, buf.length, 0);
          return n == 0 ? -1 : n;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != LibC.EINTR) {
            throw new IOException("recv failed: " + Errno.describe(e), e);
          }
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Sends {@code buf} as one message. */
  public void send(byte[] buf, int length) throws IOException {
    byte[] msg = length == buf.length ? buf : java.util.Arrays.copyOf(buf, length);
    lock.readLock().lock();
    try {
      if (fd < 0) {
        throw new IOException("socket is closed");
      }
      while (true) {
        try {
          LibC.INSTANCE.send(fd, msg, msg.length, LibC.MSG_NOSIGNAL);
          return;
        } catch (LastErrorException e) {
          if (e.getErrorCode() != LibC.EINTR) {
            throw new IOException("send failed: " + Errno.describe(e), e);
          }
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Shuts down our sending side: the peer reads end-of-file. */
  public void shutdownOutput() throws IOException {
    shutdown(LibC.SHUT_WR);
  }

  private void shutdown(int how) throws IOException {
    lock.readLock().lock();
    try {
      if (fd >= 0) {
        LibC.INSTANCE.shutdown(fd, how);
      }
    } catch (LastErrorException e) {
      throw new IOException("shutdown failed: " + Errno.describe(e), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    // Wake blocked receive/send first (they hold the read lock), then release the fd.
    try {
      shutdown(2);
    } catch (IOException ignored) {
      // Not connected any more: nothing to wake.
    }
    lock.writeLock().lock();
    try {
      Fds.closeQuietly(fd);
      fd = -1;
    } finally {
      lock.writeLock().unlock();
    }
  }
}

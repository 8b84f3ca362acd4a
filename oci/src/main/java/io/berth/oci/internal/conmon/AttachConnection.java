package io.berth.oci.internal.conmon;

import io.berth.oci.AttachEnd;
import io.berth.oci.AttachOptions;
import io.berth.oci.OciException;
import io.berth.oci.internal.sys.SeqPacketSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection to conmon's attach socket. conmon sends each chunk of container output as one
 * SEQPACKET message whose first byte names the stream (2 stdout, 3 stderr); stdin goes the
 * other way as raw bytes, and shutting down our sending side closes the container's stdin.
 */
public final class AttachConnection {
  static final byte STDOUT = 2;
  static final byte STDERR = 3;
  /** conmon reads stdin messages into a 32 KiB buffer; stay well below it. */
  private static final int STDIN_CHUNK = 8192;
  /** conmon's output messages are at most 8 KiB + 1; room to spare so none is truncated. */
  private static final int RECEIVE_BUFFER = 64 * 1024;

  private final SeqPacketSocket socket;
  private final AttachOptions options;
  private final CompletableFuture<AttachEnd> end = new CompletableFuture<>();

  private AttachConnection(SeqPacketSocket socket, AttachOptions options) {
    this.socket = socket;
    this.options = options;
  }

  public static AttachConnection open(Path socketPath, AttachOptions options) {
    if (!Files.exists(socketPath)) {
      throw new OciException("attach socket " + socketPath + " does not exist; is the container"
          + " created and its conmon running?");
    }
    SeqPacketSocket socket;
    try {
      socket = SeqPacketSocket.connect(socketPath);
    } catch (IOException e) {
      throw new OciException("cannot attach: " + e.getMessage()
          + " (conmon has probably exited)", e);
    }
    AttachConnection c = new AttachConnection(socket, options);
    c.startThreads(socketPath.getParent().getFileName().toString());
    return c;
  }

  private void startThreads(String name) {
    Thread out = new Thread(this::pumpOutput, "berth-attach-out-" + name);
    out.setDaemon(true);
    out.start();
    options.stdin().ifPresent(in -> {
      Thread t = new Thread(() -> pumpInput(in), "berth-attach-in-" + name);
      t.setDaemon(true);
      t.start();
    });
  }

  private void pumpOutput() {
    byte[] buf = new byte[RECEIVE_BUFFER];
    OutputStream stdout = options.stdout().orElse(OutputStream.nullOutputStream());
    OutputStream stderr = options.stderr().orElse(OutputStream.nullOutputStream());
    try {
      while (!end.isDone()) {
        int n = socket.receive(buf);
        if (n < 0) {
          break;
        }
        if (n < 2) {
          continue;
        }
        OutputStream target = buf[0] == STDERR ? stderr : buf[0] == STDOUT ? stdout : null;
        if (target != null) {
          target.write(buf, 1, n - 1);
          target.flush();
        }
      }
      finish(AttachEnd.OUTPUT_CLOSED);
    } catch (IOException e) {
      if (!end.isDone()) {
        end.completeExceptionally(new OciException("attach session failed: " + e.getMessage(),
            e));
      }
    } finally {
      socket.close();
    }
  }

  private void pumpInput(InputStream in) {
    DetachMatcher detach = new DetachMatcher(options.detachKeys());
    byte[] buf = new byte[STDIN_CHUNK];
    try {
      while (!end.isDone()) {
        int n = in.read(buf);
        if (n < 0) {
          byte[] held = detach.flush();
          if (held.length > 0) {
            socket.send(held, held.length);
          }
          if (options.closeStdinAtEof()) {
            socket.shutdownOutput();
          }
          return;
        }
        DetachMatcher.Result r = detach.feed(buf, n);
        if (r.forward().length > 0) {
          socket.send(r.forward(), r.forward().length);
        }
        if (r.detached()) {
          finish(AttachEnd.DETACHED);
          socket.close();
          return;
        }
      }
    } catch (IOException e) {
      // The connection is gone (container exited or session closed); output side reports it.
    }
  }

  private void finish(AttachEnd how) {
    end.complete(how);
  }

  public AttachEnd awaitEnd() {
    try {
      return end.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted while attached");
    } catch (ExecutionException e) {
      throw (OciException) e.getCause();
    }
  }

  public Optional<AttachEnd> awaitEnd(Duration timeout) {
    try {
      return Optional.of(end.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted while attached");
    } catch (ExecutionException e) {
      throw (OciException) e.getCause();
    }
  }

  public void closeStdin() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new OciException("cannot close the container's stdin: " + e.getMessage(), e);
    }
  }

  public void close() {
    finish(AttachEnd.CLOSED);
    socket.close();
  }
}

package io.berth.oci.internal.conmon;

import io.berth.oci.AttachEnd;
import io.berth.oci.AttachOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A SOCK_SEQPACKET connection to conmon's attach socket. */
public final class AttachConnection {
  private AttachConnection() {}

  public static AttachConnection open(Path socket, AttachOptions options) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public AttachEnd awaitEnd() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public Optional<AttachEnd> awaitEnd(Duration timeout) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void closeStdin() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void close() {
    throw new UnsupportedOperationException("not implemented yet");
  }
}

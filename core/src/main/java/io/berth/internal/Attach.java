package io.berth.internal;

import io.berth.AttachOptions;
import io.berth.Attachment;
import io.berth.ContainerState;
import io.berth.ContainerStateException;
import io.berth.oci.AttachEnd;
import io.berth.oci.AttachSession;
import io.berth.oci.CreateRequest;
import io.berth.oci.OciException;
import java.time.Duration;
import java.util.Optional;

/** Connects callers' streams to conmon's attach socket; runs under the container's lock. */
final class Attach {
  private Attach() {}

  static Attachment attach(DefaultContainer c, AttachOptions options) {
    ContainerStatus s = c.status();
    if (s.state != ContainerState.CREATED && s.state != ContainerState.RUNNING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + "; only created or running containers can be attached to");
    }
    return connect(c, options);
  }

  /** Attaches between create and start, so not a byte of output is missed. */
  static Attachment startAndAttach(DefaultContainer c, AttachOptions options) {
    Lifecycle.prepareStart(c);
    Attachment attachment = connect(c, options);
    try {
      Lifecycle.startCreated(c);
      return attachment;
    } catch (RuntimeException e) {
      attachment.close();
      throw e;
    }
  }

  private static Attachment connect(DefaultContainer c, AttachOptions options) {
    io.berth.oci.AttachOptions.Builder oci = io.berth.oci.AttachOptions.builder()
        .detachKeys(options.detachKeys());
    options.stdin().ifPresent(oci::stdin);
    options.stdout().ifPresent(oci::stdout);
    options.stderr().ifPresent(oci::stderr);
    try {
      AttachSession session = AttachSession.connect(
          CreateRequest.attachSocket(c.ctx().layout().bundle(c.id())), oci.build());
      return new SessionAttachment(session);
    } catch (OciException e) {
      throw Errors.oci(e, c.id(), c.status().state);
    }
  }

  /** An {@link Attachment} over one attach session. */
  private static final class SessionAttachment implements Attachment {
    private final AttachSession session;
    private volatile AttachEnd end;

    SessionAttachment(AttachSession session) {
      this.session = session;
    }

    @Override
    public void await() {
      end = session.awaitEnd();
    }

    @Override
    public boolean await(Duration timeout) {
      Optional<AttachEnd> result = session.awaitEnd(Durations.check(timeout, "timeout"));
      result.ifPresent(e -> end = e);
      return result.isPresent();
    }

    @Override
    public boolean detached() {
      AttachEnd e = end;
      return e == AttachEnd.DETACHED || e == AttachEnd.CLOSED;
    }

    @Override
    public void close() {
      session.close();
      if (end == null) {
        end = AttachEnd.CLOSED;
      }
    }
  }
}

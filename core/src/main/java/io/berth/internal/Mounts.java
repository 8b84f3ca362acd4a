package io.berth.internal;

import io.berth.CommitOptions;
import io.berth.ContainerState;
import io.berth.ContainerStateException;
import io.berth.oci.OciException;
import io.berth.storage.Image;
import io.berth.storage.ImageOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The container's root filesystem: the runtime's own mount (held from init to cleanup), the
 * caller's counted mounts, and what reads the whole tree (export, commit). Runs under the lock.
 */
final class Mounts {
  private Mounts() {}

  /** Mounts for the runtime if not yet mounted for it; the caller saves. */
  static Path acquireRuntimeMount(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.rootfsMounted && s.mountpoint != null) {
      return Path.of(s.mountpoint);
    }
    Path mountpoint = c.ctx().store().mount(c.id());
    s.rootfsMounted = true;
    s.mountpoint = mountpoint.toString();
    return mountpoint;
  }

  /** Releases the runtime's mount, if held; the caller saves. */
  static void releaseRuntimeMount(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (!s.rootfsMounted) {
      return;
    }
    c.ctx().store().unmount(c.id(), false);
    s.rootfsMounted = false;
    if (s.userMounts == 0) {
      s.mountpoint = null;
    }
  }

  static Path mount(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state == ContainerState.REMOVING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id()
          + " is being removed; it cannot be mounted");
    }
    Path mountpoint = Errors.translate(c.id(), s.state, () -> c.ctx().store().mount(c.id()));
    s.userMounts++;
    s.mountpoint = mountpoint.toString();
    c.save();
    return mountpoint;
  }

  /**
   * Undoes one {@link #mount}. With no caller mounts left, releases the runtime's mount of a
   * container whose process is gone, as the reference's Unmount does.
   */
  static void unmount(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state == ContainerState.RUNNING || s.state == ContainerState.PAUSED) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + "; its root filesystem cannot be unmounted while it runs");
    }
    Lifecycle.requireNoExecSessions(c, "unmount");
    if (s.userMounts > 0) {
      Errors.translate(c.id(), s.state, () -> {
        c.ctx().store().unmount(c.id(), false);
        return null;
      });
      s.userMounts--;
      if (s.userMounts == 0 && !s.rootfsMounted) {
        s.mountpoint = null;
      }
    } else if (s.state.hasExited()) {
      Errors.translate(c.id(), s.state, () -> {
        releaseRuntimeMount(c);
        return null;
      });
    } else {
      return;
    }
    c.save();
  }

  /** Writes the export to a temp file beside {@code target} and renames it into place. */
  static void export(DefaultContainer c, Path target) {
    Path absolute = target.toAbsolutePath();
    Path temp = null;
    try {
      Files.createDirectories(absolute.getParent());
      temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        export(c, out);
      }
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      temp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("export of container " + c.id() + " to " + target
          + " failed: " + e.getMessage(), e);
    } finally {
      if (temp != null) {
        Sync.deleteQuietly(temp);
      }
    }
  }

  static void export(DefaultContainer c, OutputStream out) {
    Errors.translate(c.id(), c.status().state, () -> {
      c.ctx().store().export(c.id(), out);
      return null;
    });
  }

  /** Pauses a running container (if asked) while the store turns its changes into an image. */
  static Image commit(DefaultContainer c, CommitOptions options) {
    ContainerStatus s = c.status();
    if (s.state == ContainerState.REMOVING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id()
          + " is being removed; it cannot be committed");
    }
    ImageOptions.Builder request = ImageOptions.builder();
    options.reference().ifPresent(request::reference);
    options.changes().ifPresent(request::changes);
    options.author().ifPresent(request::author);
    options.message().ifPresent(request::message);
    boolean paused = false;
    try {
      if (s.state == ContainerState.RUNNING && options.pause()) {
        c.ctx().oci().pause(c.id());
        paused = true;
      }
      return c.ctx().store().commit(c.id(), request.build());
    } catch (OciException e) {
      throw Errors.oci(e, c.id(), s.state);
    } catch (io.berth.storage.StorageException e) {
      throw Errors.storage(e, c.id(), s.state);
    } finally {
      if (paused) {
        try {
          c.ctx().oci().resume(c.id());
        } catch (OciException e) {
          RuntimeContext.LOG.log(System.Logger.Level.ERROR, "container " + c.id()
              + " stayed paused after commit: " + e.getMessage());
        }
      }
    }
  }
}

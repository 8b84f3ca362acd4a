package io.berth.internal;

import io.berth.BerthException;
import io.berth.ContainerException;
import io.berth.ContainerState;
import io.berth.ImageInUseException;
import io.berth.NoSuchImageException;
import io.berth.OciRuntimeException;
import io.berth.StorageFailureException;
import io.berth.oci.OciException;
import io.berth.storage.StorageException;

/**
 * Turns the storage and OCI modules' exceptions into Berth's, so callers catch one hierarchy.
 * The original stays as the cause; messages gain the container and its state.
 */
final class Errors {
  private Errors() {}

  static BerthException storage(StorageException e) {
    if (e instanceof io.berth.storage.NoSuchImageException) {
      return new NoSuchImageException(e.getMessage(), e);
    }
    if (e instanceof io.berth.storage.ImageInUseException) {
      return new ImageInUseException(e.getMessage(), e);
    }
    return new StorageFailureException(e.getMessage(), e);
  }

  static BerthException storage(StorageException e, String containerId, ContainerState state) {
    if (e instanceof io.berth.storage.NoSuchImageException
        || e instanceof io.berth.storage.ImageInUseException) {
      return storage(e);
    }
    return new ContainerException(containerId, state, "container " + containerId + " ("
        + state + "): storage failed: " + e.getMessage(), e);
  }

  static OciRuntimeException oci(OciException e, String containerId, ContainerState state) {
    if (e instanceof io.berth.oci.OciRuntimeException r) {
      return new OciRuntimeException(containerId, state, "container " + containerId + " ("
          + state + "): " + r.getMessage(), r.exitCode(), r.stderrTail(), r);
    }
    return new OciRuntimeException(containerId, state, "container " + containerId + " ("
        + state + "): " + e.getMessage(), null, "", e);
  }

  /** Runs {@code work}, translating storage and OCI failures for this container. */
  static <T> T translate(String containerId, ContainerState state, Work<T> work) {
    try {
      return work.run();
    } catch (StorageException e) {
      throw storage(e, containerId, state);
    } catch (OciException e) {
      throw oci(e, containerId, state);
    }
  }

  @FunctionalInterface
  interface Work<T> {
    T run();
  }
}

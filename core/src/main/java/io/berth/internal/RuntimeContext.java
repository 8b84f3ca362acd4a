package io.berth.internal;

import io.berth.BerthException;
import io.berth.oci.OciRuntime;
import io.berth.storage.Store;
import java.util.concurrent.atomic.AtomicBoolean;

/** The services one runtime's containers share. Every member is thread-safe. */
record RuntimeContext(
    RuntimeLayout layout,
    StateDb db,
    ContainerLocks locks,
    Store store,
    OciRuntime oci,
    Metrics metrics,
    AtomicBoolean closed) {

  static final System.Logger LOG = System.getLogger("io.berth");

  void ensureOpen() {
    if (closed.get()) {
      throw new BerthException("this Runtime is closed; open a new one to use its containers");
    }
  }
}

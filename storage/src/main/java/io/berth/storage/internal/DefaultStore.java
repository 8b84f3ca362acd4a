package io.berth.storage.internal;

import io.berth.storage.ArchiveLimits;
import io.berth.storage.StorageDriver;
import io.berth.storage.StorageException;
import io.berth.storage.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The store's implementation. */
public final class DefaultStore {
  private DefaultStore() {}

  public static Store open(Path root, Path runRoot, Optional<StorageDriver> driver,
      String driverName, ArchiveLimits limits, Optional<Duration> lockTimeout) {
    throw new StorageException("the storage engine is not built yet");
  }
}

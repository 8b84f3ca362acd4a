package io.berth.storage;

import java.nio.file.Path;
import java.time.Duration;

/** Another thread or process held the store lock for longer than the configured timeout. */
public class StoreLockTimeoutException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StoreLockTimeoutException(Path lockFile, Duration timeout) {
    super("could not lock the store within " + timeout + ": another thread or process holds "
        + lockFile + "; retry later or raise Store.Builder.lockTimeout");
  }
}

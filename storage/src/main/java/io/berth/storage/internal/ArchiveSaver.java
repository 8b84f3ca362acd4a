package io.berth.storage.internal;

import io.berth.storage.ArchiveFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

final class ArchiveSaver {
  ArchiveSaver(DefaultStore store) {}

  void save(List<String> n, Path t, ArchiveFormat f) throws IOException {
    throw new UnsupportedOperationException();
  }
}

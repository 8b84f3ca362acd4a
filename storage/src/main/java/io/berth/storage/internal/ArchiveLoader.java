package io.berth.storage.internal;

import io.berth.storage.Image;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

final class ArchiveLoader {
  ArchiveLoader(DefaultStore store, Staging staging) {}

  List<Image> load(Path p) throws IOException {
    throw new UnsupportedOperationException();
  }
}

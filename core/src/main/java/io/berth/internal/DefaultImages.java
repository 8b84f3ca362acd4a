package io.berth.internal;

import io.berth.Images;
import io.berth.NoSuchImageException;
import io.berth.storage.ArchiveFormat;
import io.berth.storage.Image;
import io.berth.storage.ImageOptions;
import io.berth.storage.StorageException;
import io.berth.storage.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link Images} over the runtime's store, with the store's exceptions made Berth's. */
final class DefaultImages implements Images {
  private final Store store;

  DefaultImages(Store store) {
    this.store = store;
  }

  @Override
  public Image importRootfs(Path tarball, String reference) {
    return importRootfs(tarball, ImageOptions.builder().reference(reference).build());
  }

  @Override
  public Image importRootfs(Path tarball, ImageOptions options) {
    return call(() -> store.importRootfs(tarball, options));
  }

  @Override
  public List<Image> load(Path archiveOrLayout) {
    return call(() -> store.load(archiveOrLayout));
  }

  @Override
  public void save(String nameOrId, Path target, ArchiveFormat format) {
    save(List.of(nameOrId), target, format);
  }

  @Override
  public void save(List<String> namesOrIds, Path target, ArchiveFormat format) {
    call(() -> {
      store.save(namesOrIds, target, format);
      return null;
    });
  }

  @Override
  public List<Image> list() {
    return call(store::images);
  }

  @Override
  public Image lookup(String nameOrId) {
    return find(nameOrId).orElseThrow(() -> new NoSuchImageException("no image named or with"
        + " id '" + nameOrId + "'; list images with runtime.images().list()", null));
  }

  @Override
  public Optional<Image> find(String nameOrId) {
    return call(() -> store.findImage(nameOrId));
  }

  @Override
  public Image tag(String nameOrId, String reference) {
    return call(() -> store.tag(nameOrId, reference));
  }

  @Override
  public Image untag(String reference) {
    return call(() -> store.untag(reference));
  }

  @Override
  public void remove(String nameOrId) {
    call(() -> {
      store.removeImage(nameOrId);
      return null;
    });
  }

  private static <T> T call(Supplier<T> work) {
    try {
      return work.get();
    } catch (StorageException e) {
      throw Errors.storage(e);
    }
  }
}

package io.berth.storage.internal;

import io.berth.storage.ArchiveFormat;
import io.berth.storage.ArchiveLimits;
import io.berth.storage.ContainerLayer;
import io.berth.storage.ContainerLayerExistsException;
import io.berth.storage.CorruptStoreException;
import io.berth.storage.DriverUnavailableException;
import io.berth.storage.Image;
import io.berth.storage.ImageConfig;
import io.berth.storage.ImageInUseException;
import io.berth.storage.ImageOptions;
import io.berth.storage.Layer;
import io.berth.storage.LayerInUseException;
import io.berth.storage.NoSuchContainerLayerException;
import io.berth.storage.NoSuchImageException;
import io.berth.storage.NoSuchLayerException;
import io.berth.storage.StorageDriver;
import io.berth.storage.StorageException;
import io.berth.storage.Store;
import io.berth.storage.TarOptions;
import io.berth.storage.internal.driver.OverlayDriver;
import io.berth.storage.internal.driver.VfsDriver;
import io.berth.storage.internal.json.ConfigJson;
import io.berth.storage.internal.json.Descriptor;
import io.berth.storage.internal.stream.Digests;
import io.berth.storage.internal.sys.FileHandle;
import io.berth.storage.internal.sys.Posix;
import io.berth.storage.internal.sys.StackedDirectory;
import io.berth.storage.internal.sys.Stat;
import io.berth.storage.internal.tar.TarWriter;
import io.berth.storage.internal.tar.TreeArchiver;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The store. Layout of the root: {@code metadata.db} (records, see {@link Metadata}),
 * {@code storage.lock} (the store lock), {@code blobs/sha256/} (content-addressed blobs),
 * {@code tmp/} (files being written), and {@code <driver>/} (the driver's layers). The run
 * root holds {@code mounts/} (mount counts).
 *
 * <p>Every change runs under the store lock, inside a {@link Staging} that undoes what was
 * made if the call fails; metadata is committed last, in one transaction. A crash before
 * that leaves only unrecorded files, which the next {@link #open} removes.
 */
public final class DefaultStore implements Store {
  private static final System.Logger LOG = System.getLogger(DefaultStore.class.getName());
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private final Path root;
  private final StorageDriver driver;
  private final ArchiveLimits limits;
  private final StoreLock lock;
  private final Metadata meta;
  private final BlobStore blobs;
  private final MountCounts counts;
  private final LayerIngester ingester;
  private final ImageLookup lookup;
  private final ImageRecorder recorder;
  private final Map<String, ImageConfig> configs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private DefaultStore(Path root, StorageDriver driver, ArchiveLimits limits, StoreLock lock,
      Metadata meta, BlobStore blobs, MountCounts counts) {
    this.root = root;
    this.driver = driver;
    this.limits = limits;
    this.lock = lock;
    this.meta = meta;
    this.blobs = blobs;
    this.counts = counts;
    this.ingester = new LayerIngester(driver, meta, limits);
    this.lookup = new ImageLookup(meta);
    this.recorder = new ImageRecorder(driver, meta, blobs);
  }

  /** Opens (creating if needed) the store; see {@link Store.Builder#build()}. */
  public static Store open(Path root, Path runRoot, Optional<StorageDriver> custom,
      Optional<String> driverName, ArchiveLimits limits, Optional<Duration> lockTimeout) {
    try {
      Files.createDirectories(root);
      Files.createDirectories(runRoot);
    } catch (IOException e) {
      throw new StorageException("could not create the store directories " + root + " and "
          + runRoot + ": " + e.getMessage(), e);
    }
    SqliteNative.useCopyUnder(runRoot.resolve("cache"));
    StoreLock lock = StoreLock.open(root.resolve("storage.lock"), lockTimeout);
    Metadata meta = null;
    try (StoreLock.Held held = lock.acquire()) {
      meta = Metadata.open(root.resolve("metadata.db"), holdsNoBlob(root));
      Optional<String> recorded = meta.meta("driver");
      String wanted = custom.map(StorageDriver::name)
          .orElseGet(() -> driverName.orElse(recorded.orElse("overlay")));
      if (!wanted.matches("[a-z0-9]+")) {
        throw new IllegalArgumentException("storage driver name '" + wanted
            + "' must be lowercase letters and digits");
      }
      if (recorded.isPresent() && !recorded.get().equals(wanted)) {
        throw new DriverUnavailableException("the store at " + root + " was created with the '"
            + recorded.get() + "' driver; open it with that driver, not '" + wanted + "'");
      }
      StorageDriver driver = custom.orElseGet(
          () -> wanted.equals("vfs") ? new VfsDriver() : new OverlayDriver());
      driver.open(privateDirectory(root.resolve(driver.name())));
      if (recorded.isEmpty()) {
        meta.putMeta("driver", driver.name());
      }
      Metadata records = meta;
      BlobStore blobs = new BlobStore(root, diffId -> records.layersByDiffId(diffId).stream()
          .map(l -> driver.contentDir(l.id()))
          .filter(Files::isDirectory)
          .findFirst());
      MountCounts counts = new MountCounts(runRoot);
      new Recovery(driver, meta, blobs, counts).run();
      return new DefaultStore(root, driver, limits, lock, meta, blobs, counts);
    } catch (IOException e) {
      closeQuietly(meta, lock);
      throw new StorageException("could not open the store at " + root + ": " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      closeQuietly(meta, lock);
      throw e;
    }
  }

  /**
   * The driver's home, readable by root only: layers hold what images hold (setuid programs,
   * device nodes, world-writable directories), which only containers may use.
   */
  private static Path privateDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions
        .fromString("rwx------"));
    return dir;
  }

  private static boolean holdsNoBlob(Path root) throws IOException {
    Path blobs = root.resolve("blobs").resolve("sha256");
    if (!Files.isDirectory(blobs)) {
      return true;
    }
    try (var s = Files.list(blobs)) {
      return s.findAny().isEmpty();
    }
  }

  private static void closeQuietly(Metadata meta, StoreLock lock) {
    if (meta != null) {
      try {
        meta.close();
      } catch (RuntimeException ignored) {
        // Already failing; the first error is the one to report.
      }
    }
    lock.close();
  }

  private StoreLock.Held locked() {
    if (closed) {
      throw new IllegalStateException("the store at " + root + " is closed");
    }
    return lock.acquire();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store at " + root + " is closed");
    }
  }

  private Staging staging() {
    return new Staging(driver, blobs);
  }

  @Override
  public String driverName() {
    return driver.name();
  }

  @Override
  public Path root() {
    return root;
  }

  ArchiveLimits limits() {
    return limits;
  }

  BlobStore blobs() {
    return blobs;
  }

  LayerIngester ingester() {
    return ingester;
  }

  Metadata metadata() {
    return meta;
  }

  ImageRecorder recorder() {
    return recorder;
  }

  /** See {@link ImageLookup#find}. */
  Optional<String> findImageId(String nameOrId) {
    return lookup.find(nameOrId);
  }

  /** The images with these ids, as they are now. */
  List<Image> imagesById(List<String> ids) {
    return ids.stream().map(id -> toImage(meta.image(id).orElseThrow())).toList();
  }

  // ---- images: reading ----

  @Override
  public List<Image> images() {
    checkOpen();
    List<Image> out = new ArrayList<>();
    for (Metadata.ImageRecord r : meta.images()) {
      current(r).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The image of a record just read, or empty if another process removed it meanwhile
   * (reads take no lock, so its config blob may be gone by the time it is read).
   */
  private Optional<Image> current(Metadata.ImageRecord r) {
    try {
      return Optional.of(toImage(r));
    } catch (CorruptStoreException e) {
      if (meta.image(r.id()).isEmpty()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  ImageConfig config(String imageId) {
    return configs.computeIfAbsent(imageId, id -> ConfigJson.parse(
        blobs.read(Digests.PREFIX + id), "config of image " + id));
  }

  Image toImage(Metadata.ImageRecord r) {
    ImageConfig config = config(r.id());
    long size = 0;
    for (String layerId : r.layerIds()) {
      size += meta.layer(layerId).map(Metadata.LayerRecord::size).orElseThrow(() ->
          new CorruptStoreException("image " + r.id() + " names layer " + layerId
              + ", which the store does not have; remove the image and load it again"));
    }
    return new Image(r.id(), r.names(), r.manifestDigest(), config, r.layerIds(),
        config.created().orElse(r.added()), size);
  }

  @Override
  public Optional<Image> findImage(String nameOrId) {
    checkOpen();
    return findImageId(nameOrId).flatMap(meta::image).flatMap(this::current);
  }

  @Override
  public Image image(String nameOrId) {
    return findImage(nameOrId).orElseThrow(() -> new NoSuchImageException(nameOrId));
  }

  @Override
  public List<Layer> layers() {
    checkOpen();
    return meta.layers().stream().map(DefaultStore::toLayer).toList();
  }

  @Override
  public Optional<Layer> findLayer(String layerId) {
    checkOpen();
    return meta.layer(layerId).map(DefaultStore::toLayer);
  }

  @Override
  public void removeLayer(String layerId) {
    Objects.requireNonNull(layerId, "layerId");
    try (StoreLock.Held held = locked()) {
      Metadata.LayerRecord layer = meta.layer(layerId)
          .orElseThrow(() -> new NoSuchLayerException(layerId));
      List<String> images = meta.imagesWithLayer(layerId);
      List<String> children = meta.childLayers(layerId);
      if (!images.isEmpty() || !children.isEmpty()) {
        throw new LayerInUseException(layerId, images, children);
      }
      meta.transaction(() -> {
        meta.deleteLayer(layerId);
        return null;
      });
      driver.remove(layerId);
      deleteUnreferencedBlobs(layer.compressedDigest().stream().toList());
    } catch (IOException e) {
      throw new StorageException("layer " + layerId + " was removed, but cleaning up its files"
          + " failed (the next open retries): " + e.getMessage(), e);
    }
  }

  /** Deletes those of {@code candidates} that no image lists any more; under the lock. */
  private void deleteUnreferencedBlobs(Collection<String> candidates) throws IOException {
    Set<String> stillUsed = meta.referencedBlobs();
    for (String digest : candidates) {
      if (!stillUsed.contains(digest)) {
        blobs.delete(digest);
      }
    }
  }

  private static Layer toLayer(Metadata.LayerRecord l) {
    return new Layer(l.id(), l.parent(), l.diffId(), l.compressedDigest(), l.size(),
        l.created());
  }

  // ---- images: changing ----

  @Override
  public Image importRootfs(Path tarball, ImageOptions options) {
    Objects.requireNonNull(tarball, "tarball");
    Objects.requireNonNull(options, "options");
    try (InputStream in = Files.newInputStream(tarball)) {
      return importRootfs(in, options);
    } catch (NoSuchFileException e) {
      throw new StorageException("cannot import " + tarball + ": no such file", e);
    } catch (IOException e) {
      throw new StorageException("cannot read " + tarball + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Image importRootfs(InputStream tarball, ImageOptions options) {
    Objects.requireNonNull(tarball, "tarball");
    Objects.requireNonNull(options, "options");
    try (StoreLock.Held held = locked(); Staging staging = staging()) {
      LayerIngester.Result layer = ingester.ingest(staging, Optional.empty(), tarball,
          LayerIngester.Expected.nothing(), "the rootfs tarball", Optional.empty());
      Instant created = options.created().orElseGet(Instant::now);
      ImageConfig base = ImageConfig.builder()
          .created(created)
          .author(options.author().orElse(null))
          .diffIds(List.of(layer.layer().diffId()))
          .history(List.of(ConfigJson.historyEntry(created, "/bin/sh -c #(nop) ADD file:"
              + Digests.hexOf(layer.layer().diffId()) + " in /", options.author(),
              Optional.of(options.message().orElse("imported from tarball")))))
          .build();
      ImageConfig config = options.changes().applyTo(base);
      byte[] configJson = ConfigJson.write(Optional.empty(), config);
      return imagesById(List.of(recorder.record(staging, configJson, List.of(layer),
          options.reference()))).get(0);
    } catch (IOException e) {
      throw new StorageException("import failed, nothing was stored: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Image> load(Path archiveOrLayout) {
    Objects.requireNonNull(archiveOrLayout, "archiveOrLayout");
    try (StoreLock.Held held = locked(); Staging staging = staging()) {
      return new ArchiveLoader(this, staging).load(archiveOrLayout);
    } catch (IOException e) {
      throw new StorageException("loading " + archiveOrLayout + " failed, nothing was stored: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void save(List<String> namesOrIds, Path target, ArchiveFormat format) {
    Objects.requireNonNull(namesOrIds, "namesOrIds");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(format, "format");
    if (namesOrIds.isEmpty()) {
      throw new IllegalArgumentException("save needs at least one image name or id");
    }
    try (StoreLock.Held held = locked()) {
      new ArchiveSaver(this).save(namesOrIds, target, format);
    } catch (IOException e) {
      throw new StorageException("saving to " + target + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Image tag(String nameOrId, String reference) {
    String name = ImageReference.parse(reference).toString();
    try (StoreLock.Held held = locked()) {
      String id = findImageId(nameOrId).orElseThrow(() -> new NoSuchImageException(nameOrId));
      meta.transaction(() -> {
        meta.setName(name, id);
        return null;
      });
      return toImage(meta.image(id).orElseThrow());
    }
  }

  @Override
  public Image untag(String reference) {
    String name = ImageReference.parse(reference).toString();
    try (StoreLock.Held held = locked()) {
      String id = meta.imageIdByName(name).orElseThrow(() -> new NoSuchImageException(name));
      meta.transaction(() -> meta.removeName(name));
      return toImage(meta.image(id).orElseThrow());
    }
  }

  @Override
  public void removeImage(String nameOrId) {
    try (StoreLock.Held held = locked()) {
      String id = findImageId(nameOrId).orElseThrow(() -> new NoSuchImageException(nameOrId));
      List<String> users = meta.containersOfImage(id);
      if (!users.isEmpty()) {
        throw new ImageInUseException(id, users);
      }
      Set<String> imageBlobs = meta.imageBlobs(id);
      List<String> freed = meta.transaction(() -> {
        meta.deleteImage(id);
        return meta.deleteUnusedLayers();
      });
      configs.remove(id);
      for (String layerId : freed) {
        driver.remove(layerId);
      }
      deleteUnreferencedBlobs(imageBlobs);
    } catch (IOException e) {
      throw new StorageException("image " + nameOrId + " was removed, but cleaning up its files"
          + " failed (the next open retries): " + e.getMessage(), e);
    }
  }

  // ---- container layers ----

  private static String checkContainerId(String containerId) {
    Objects.requireNonNull(containerId, "containerId");
    if (containerId.length() != 64 || !HEX.matcher(containerId).matches()) {
      throw new IllegalArgumentException("container id must be 64 lowercase hex digits, got '"
          + containerId + "'");
    }
    return containerId;
  }

  private Metadata.ContainerRecord record(String containerId) {
    checkContainerId(containerId);
    return meta.container(containerId)
        .orElseThrow(() -> new NoSuchContainerLayerException(containerId));
  }

  private ContainerLayer toContainerLayer(Metadata.ContainerRecord c) {
    return new ContainerLayer(c.id(), c.imageId(), c.layerId(),
        counts.get(c.id()).map(MountCounts.Entry::mountpoint));
  }

  @Override
  public ContainerLayer createContainerLayer(String containerId, String imageId) {
    checkContainerId(containerId);
    Objects.requireNonNull(imageId, "imageId");
    try (StoreLock.Held held = locked()) {
      if (meta.container(containerId).isPresent()) {
        throw new ContainerLayerExistsException(containerId);
      }
      String id = findImageId(imageId).orElseThrow(() -> new NoSuchImageException(imageId));
      Metadata.ImageRecord image = meta.image(id).orElseThrow();
      Optional<String> top = image.layerIds().isEmpty() ? Optional.empty()
          : Optional.of(image.layerIds().get(image.layerIds().size() - 1));
      String layerId = LayerIngester.newId();
      driver.create(layerId, top, true);
      Metadata.ContainerRecord record =
          new Metadata.ContainerRecord(containerId, id, layerId, Instant.now());
      try {
        meta.transaction(() -> {
          meta.insertContainer(record);
          return null;
        });
      } catch (RuntimeException e) {
        driver.remove(layerId);
        throw e;
      }
      return toContainerLayer(record);
    }
  }

  @Override
  public Optional<ContainerLayer> findContainerLayer(String containerId) {
    checkOpen();
    checkContainerId(containerId);
    return meta.container(containerId).map(this::toContainerLayer);
  }

  @Override
  public ContainerLayer containerLayer(String containerId) {
    checkOpen();
    return toContainerLayer(record(containerId));
  }

  @Override
  public List<ContainerLayer> containerLayers() {
    checkOpen();
    return meta.containers().stream().map(this::toContainerLayer).toList();
  }

  @Override
  public Path mount(String containerId) {
    try (StoreLock.Held held = locked()) {
      Metadata.ContainerRecord c = record(containerId);
      Optional<MountCounts.Entry> entry = counts.get(containerId);
      int count = entry.map(MountCounts.Entry::count).orElse(0);
      if (count > 0 && (!driver.usesKernelMounts() || driver.isMounted(c.layerId()))) {
        counts.set(containerId, count + 1, entry.get().mountpoint());
        return entry.get().mountpoint();
      }
      // First user, or the mount vanished behind our back: (re)mount.
      Path mountpoint = driver.mount(c.layerId());
      try {
        counts.set(containerId, count + 1, mountpoint);
      } catch (RuntimeException e) {
        driver.unmount(c.layerId());
        throw e;
      }
      return mountpoint;
    }
  }

  @Override
  public void unmount(String containerId, boolean force) {
    try (StoreLock.Held held = locked()) {
      Metadata.ContainerRecord c = record(containerId);
      Optional<MountCounts.Entry> entry = counts.get(containerId);
      if (entry.isEmpty()) {
        return;
      }
      int left = force ? 0 : entry.get().count() - 1;
      if (left <= 0) {
        driver.unmount(c.layerId());
        counts.remove(containerId);
      } else {
        counts.set(containerId, left, entry.get().mountpoint());
      }
    }
  }

  @Override
  public int mountCount(String containerId) {
    checkOpen();
    record(containerId);
    return counts.get(containerId).map(MountCounts.Entry::count).orElse(0);
  }

  @Override
  public long size(String containerId) {
    checkOpen();
    Metadata.ContainerRecord c = record(containerId);
    try (FileHandle top = FileHandle.openDirectory(driver.contentDir(c.layerId()))) {
      return sizeOf(top, 0, new HashSet<>());
    } catch (IOException e) {
      throw new StorageException("could not measure the layer of container " + containerId
          + ": " + e.getMessage(), e);
    }
  }

  /** Through handles: the container may be running and swapping directories for symlinks. */
  private static long sizeOf(FileHandle dir, int depth, Set<Long> seenInodes)
      throws IOException {
    FileHandle.checkDepth(depth, "");
    long total = 0;
    for (String name : dir.list()) {
      Optional<FileHandle> child = dir.child(name);
      if (child.isEmpty()) {
        continue;
      }
      try (FileHandle f = child.get()) {
        Stat s = f.stat();
        if (s.isDirectory()) {
          total += sizeOf(f, depth + 1, seenInodes);
        } else if ((s.isRegularFile() || s.isSymlink())
            && (s.nlink() == 1 || seenInodes.add(s.ino()))) {
          total += s.size();
        }
      }
    }
    return total;
  }

  @Override
  public void diff(String containerId, OutputStream out, TarOptions options) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(options, "options");
    checkOpen();
    Metadata.ContainerRecord c = record(containerId);
    try {
      writeDiff(c, out, options);
    } catch (IOException e) {
      throw new StorageException("could not write the changes of container " + containerId
          + ": " + e.getMessage(), e);
    }
  }

  private void writeDiff(Metadata.ContainerRecord c, OutputStream out, TarOptions options)
      throws IOException {
    BufferedOutputStream buffered = new BufferedOutputStream(new NonClosing(out), 1 << 20);
    TarWriter tar = new TarWriter(buffered);
    new TreeArchiver(tar, options.mtime()).writeChanges(driver.contentDir(c.layerId()),
        driver.changes(c.layerId()));
    tar.finish();
    buffered.flush();
  }

  /**
   * Reads a mounted container's tree through its mount (holding a mount count meanwhile); an
   * unmounted one's, when the driver keeps overlay layers, straight from its layers: mounting
   * costs little, but the unmount afterwards syncs the whole upper filesystem.
   */
  @Override
  public void export(String containerId, OutputStream out, TarOptions options) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(options, "options");
    boolean counted = false;
    StackedDirectory root = null;
    try {
      try (StoreLock.Held held = locked()) {
        Metadata.ContainerRecord c = record(containerId);
        if (driver.whiteoutFormat() == StorageDriver.WhiteoutFormat.OVERLAY
            && counts.get(containerId).isEmpty()) {
          root = layerStack(c);
        } else {
          Path rootfs = mount(containerId);
          counted = true;
          root = StackedDirectory.plain(FileHandle.openDirectory(rootfs));
        }
      }
      BufferedOutputStream buffered = new BufferedOutputStream(new NonClosing(out), 1 << 20);
      TarWriter tar = new TarWriter(buffered);
      new TreeArchiver(tar, options.mtime()).writeTree(root);
      tar.finish();
      buffered.flush();
    } catch (IOException e) {
      throw new StorageException("could not export container " + containerId + ": "
          + e.getMessage(), e);
    } finally {
      if (root != null) {
        root.close();
      }
      if (counted) {
        unmount(containerId, false);
      }
    }
  }

  /** The root directories of a container's layer and its image's layers, top first. */
  private StackedDirectory layerStack(Metadata.ContainerRecord c) throws IOException {
    Metadata.ImageRecord image = meta.image(c.imageId()).orElseThrow(() ->
        new CorruptStoreException("container " + c.id() + " is based on image " + c.imageId()
            + ", which the store does not have"));
    List<String> topFirst = new ArrayList<>();
    topFirst.add(c.layerId());
    for (int i = image.layerIds().size() - 1; i >= 0; i--) {
      topFirst.add(image.layerIds().get(i));
    }
    List<FileHandle> handles = new ArrayList<>();
    try {
      for (String id : topFirst) {
        handles.add(FileHandle.openDirectory(driver.contentDir(id)));
      }
      return StackedDirectory.overlayRoots(handles);
    } catch (IOException | RuntimeException e) {
      handles.forEach(FileHandle::close);
      throw e;
    }
  }

  @Override
  public Image commit(String containerId, ImageOptions request) {
    Objects.requireNonNull(request, "request");
    try (StoreLock.Held held = locked(); Staging staging = staging()) {
      Metadata.ContainerRecord c = record(containerId);
      Metadata.ImageRecord image = meta.image(c.imageId()).orElseThrow(() ->
          new CorruptStoreException("container " + containerId + " is based on image "
              + c.imageId() + ", which the store does not have"));
      List<Metadata.LayerRecord> layers = new ArrayList<>();
      for (String id : image.layerIds()) {
        layers.add(meta.layer(id).orElseThrow(() -> new CorruptStoreException("image "
            + image.id() + " names missing layer " + id)));
      }
      Path diffFile = staging.tempFile("commit");
      try (OutputStream out = Files.newOutputStream(diffFile)) {
        writeDiff(c, out, TarOptions.defaults());
      }
      LayerIngester.Result layer;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(diffFile), 1 << 20)) {
        layer = ingester.ingest(staging,
            layers.isEmpty() ? Optional.empty() : Optional.of(layers.get(layers.size() - 1)),
            in, LayerIngester.Expected.nothing(), "the changes of container " + containerId,
            Optional.of(diffFile));
      }
      staging.commitBlob(diffFile, layer.blobDigest());
      byte[] baseJson = blobs.read(Digests.PREFIX + image.id());
      ImageConfig base = config(image.id());
      Instant created = request.created().orElseGet(Instant::now);
      List<String> diffIds = new ArrayList<>(base.diffIds());
      diffIds.add(layer.layer().diffId());
      List<io.berth.storage.ImageHistory> history = new ArrayList<>(base.history());
      history.add(ConfigJson.historyEntry(created, "berth commit " + containerId,
          request.author(), request.message()));
      ImageConfig.Builder b = request.changes().applyTo(base).toBuilder()
          .created(created).diffIds(diffIds).history(history);
      request.author().ifPresent(b::author);
      byte[] configJson = ConfigJson.write(Optional.of(baseJson), b.build());
      List<Descriptor> baseLayers = image.manifestDigest()
          .map(d -> ManifestJson.parse(blobs.read(d), "manifest of image " + image.id()).layers())
          .orElse(List.of());
      layers.add(layer.layer());
      return imagesById(List.of(recorder.record(staging, configJson, Optional.empty(), baseLayers,
          List.of(Descriptor.of(layer.compression().ociLayerMediaType(), layer.blobDigest(),
              layer.blobSize())), layers,
          request.reference().map(List::of).orElse(List.of())))).get(0);
    } catch (IOException e) {
      throw new StorageException("commit of container " + containerId + " failed, nothing was"
          + " stored: " + e.getMessage(), e);
    }
  }

  @Override
  public void removeContainerLayer(String containerId) {
    try (StoreLock.Held held = locked()) {
      Metadata.ContainerRecord c = record(containerId);
      driver.unmount(c.layerId());
      counts.remove(containerId);
      meta.transaction(() -> {
        meta.deleteContainer(containerId);
        return null;
      });
      driver.remove(c.layerId());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      driver.close();
      meta.close();
    } finally {
      lock.close();
    }
  }

  @Override
  public String toString() {
    return "Store[" + root + ", " + driver.name() + "]";
  }

  /** Lets the store flush a caller's stream without closing it. */
  static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}

package io.berth.internal;

import io.berth.BerthException;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Images;
import io.berth.NoSuchContainerException;
import io.berth.Runtime;
import io.berth.oci.Conmon;
import io.berth.oci.OciException;
import io.berth.oci.OciRuntime;
import io.berth.oci.OciRuntimes;
import io.berth.storage.ArchiveLimits;
import io.berth.storage.DriverUnavailableException;
import io.berth.storage.Image;
import io.berth.storage.StorageException;
import io.berth.storage.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/** The {@link Runtime}: opens the pieces, hands out container handles, removes containers. */
public final class DefaultRuntime implements Runtime {
  private static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(30);

  private final RuntimeContext ctx;
  private final Images images;

  private DefaultRuntime(RuntimeContext ctx) {
    this.ctx = ctx;
    this.images = new DefaultImages(ctx.store());
  }

  /** Opens a runtime as {@code Runtime.Builder.build()} describes. */
  public static Runtime open(RuntimeOptions options) {
    if (!isRoot()) {
      throw new BerthException("Berth needs root for now (rootless containers are not"
          + " supported yet); run this JVM as root");
    }
    RuntimeLayout defaults = RuntimeLayout.defaults(true);
    RuntimeLayout layout = new RuntimeLayout(options.root().orElse(defaults.root()),
        options.runRoot().orElse(defaults.runRoot()));
    createDirectories(layout);
    Conmon conmon = locateConmon(options.conmon());
    OciRuntime oci = OciRuntimes.cli(RuntimeChoice.choose(options.ociRuntime()),
        layout.ociRoot(), conmon);
    Metrics metrics = new Metrics();
    Store store = openStore(layout, options.storageDriver(), options.archiveLimits());
    StateDb db = null;
    try {
      db = StateDb.open(layout.stateDb(),
          options.databaseBusyTimeout().orElse(DEFAULT_BUSY_TIMEOUT), metrics);
      RuntimeContext ctx = new RuntimeContext(layout, db, new ContainerLocks(layout.locks(),
          metrics), store, oci, metrics, new AtomicBoolean());
      Boot.run(ctx);
      return new DefaultRuntime(ctx);
    } catch (RuntimeException e) {
      if (db != null) {
        db.close();
      }
      store.close();
      throw e;
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static void createDirectories(RuntimeLayout layout) {
    try {
      for (Path dir : List.of(layout.root(), layout.runRoot())) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      for (Path dir : List.of(layout.bundles(), layout.locks(), layout.exits(),
          layout.ociRoot(), layout.runDirs())) {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Berth's directories under " + layout.root()
          + " and " + layout.runRoot() + ": " + e.getMessage(), e);
    }
  }

  private static Conmon locateConmon(Optional<Path> path) {
    try {
      return path.map(Conmon::at).orElseGet(Conmon::locate);
    } catch (OciException e) {
      throw new BerthException(e.getMessage(), e);
    }
  }

  /**
   * The driver asked for; else the one the store was created with; else, for a new store,
   * overlay if this kernel and filesystem allow it, and vfs if not.
   */
  private static Store openStore(RuntimeLayout layout, Optional<String> driver,
      Optional<ArchiveLimits> limits) {
    try {
      if (driver.isPresent()) {
        return storeBuilder(layout, limits).driver(driver.get()).build();
      }
      try {
        return storeBuilder(layout, limits).build();
      } catch (DriverUnavailableException overlayUnusable) {
        RuntimeContext.LOG.log(System.Logger.Level.INFO, "overlay storage is not usable here ("
            + overlayUnusable.getMessage() + "); using vfs");
        return storeBuilder(layout, limits).driver("vfs").build();
      }
    } catch (StorageException e) {
      throw Errors.storage(e);
    }
  }

  private static Store.Builder storeBuilder(RuntimeLayout layout,
      Optional<ArchiveLimits> limits) {
    Store.Builder b = Store.builder().root(layout.storageRoot()).runRoot(layout.storageRunRoot());
    limits.ifPresent(b::limits);
    return b;
  }

  /** Counters of locks and database access, for tests and diagnostics. */
  public Metrics metrics() {
    return ctx.metrics();
  }

  @Override
  public Container newContainer(ContainerConfig config) {
    Objects.requireNonNull(config, "config");
    ctx.ensureOpen();
    Image image;
    try {
      image = ctx.store().image(config.image());
    } catch (StorageException e) {
      throw Errors.storage(e);
    }
    String id = Ids.containerId();
    String name = config.name().orElseGet(() -> Ids.generatedName(id));
    ContainerRecord record = new ContainerRecord(id, name, image.id(), Instant.now(),
        StoredConfig.of(config, name).toConfig(), new ContainerStatus(), List.of());
    // The record comes first: it claims the name, and a layer never exists without a record.
    ctx.db().insert(record);
    try {
      ctx.store().createContainerLayer(id, image.id());
      Files.createDirectories(ctx.layout().bundle(id));
    } catch (IOException | RuntimeException e) {
      undoNewContainer(id);
      if (e instanceof StorageException se) {
        throw Errors.storage(se, id, io.berth.ContainerState.CONFIGURED);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot create the bundle directory of " + id, io);
      }
      throw (RuntimeException) e;
    }
    return new DefaultContainer(ctx, record, false);
  }

  private void undoNewContainer(String id) {
    try {
      ctx.store().findContainerLayer(id).ifPresent(l -> ctx.store().removeContainerLayer(id));
    } catch (StorageException e) {
      RuntimeContext.LOG.log(System.Logger.Level.WARNING, "could not remove the layer of "
          + id + " after a failed create; the next open will: " + e.getMessage());
    }
    Recovery.deleteTree(ctx.layout().bundle(id));
    ctx.db().delete(id, Optional.empty());
  }

  @Override
  public Container lookupContainer(String idOrName) {
    return findContainer(idOrName).orElseThrow(() -> new NoSuchContainerException(
        "no container with id, name or id prefix '" + idOrName + "'"));
  }

  @Override
  public Optional<Container> findContainer(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    ctx.ensureOpen();
    if (idOrName.isEmpty()) {
      throw new IllegalArgumentException("empty container id or name");
    }
    return ctx.db().resolve(idOrName).flatMap(ctx.db()::load)
        .map(r -> new DefaultContainer(ctx, r, false));
  }

  @Override
  public List<Container> containers() {
    return containers(c -> true);
  }

  @Override
  public List<Container> containers(Predicate<Container> filter) {
    Objects.requireNonNull(filter, "filter");
    ctx.ensureOpen();
    List<Container> result = new ArrayList<>();
    for (ContainerRecord r : ctx.db().loadAll()) {
      Container c = new DefaultContainer(ctx, r, false);
      if (filter.test(c)) {
        result.add(c);
      }
    }
    return result;
  }

  @Override
  public void removeContainer(Container container, boolean force) {
    Objects.requireNonNull(container, "container");
    ctx.ensureOpen();
    if (!(container instanceof DefaultContainer c) || c.ctx() != ctx) {
      throw new IllegalArgumentException("container " + container.id()
          + " belongs to another Runtime; look it up in this one first");
    }
    Removal.remove(c, force);
  }

  @Override
  public Images images() {
    ctx.ensureOpen();
    return images;
  }

  @Override
  public Path root() {
    return ctx.layout().root();
  }

  @Override
  public Path runRoot() {
    return ctx.layout().runRoot();
  }

  @Override
  public String ociRuntime() {
    return ctx.oci().name();
  }

  @Override
  public String storageDriver() {
    return ctx.store().driverName();
  }

  @Override
  public void close() {
    if (ctx.closed().compareAndSet(false, true)) {
      try {
        ctx.db().close();
      } finally {
        ctx.store().close();
      }
    }
  }
}

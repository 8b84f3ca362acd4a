package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.internal.sys.Posix;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes, other processes and other threads: the store lock works across all of them, a
 * killed import leaves nothing the next open does not clean, mount counts follow the kernel
 * after a "reboot", and damaged metadata is refused rather than taken for an empty store.
 */
class RecoveryTest {
  @TempDir Path dir;
  private Store store;
  private Process child;

  @AfterEach
  void tearDown() throws Exception {
    if (child != null && child.isAlive()) {
      child.destroyForcibly().waitFor();
    }
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  private Process startChildImport(String driver, String reference) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ChildImport.class.getName(), dir.resolve("root").toString(),
        dir.resolve("run").toString(), driver, reference)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Waits (on file system events, not on a clock) until a layer directory appears. */
  private static void awaitLayerDirectory(WatchService watch, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (key == null) {
        break;
      }
      for (WatchEvent<?> e : key.pollEvents()) {
        if (e.context().toString().matches("[0-9a-f]{64}")) {
          return;
        }
      }
      key.reset();
    }
    throw new AssertionError("no layer directory appeared within " + timeout);
  }

  /** Starts a child import, feeds it half the tar, and returns once it is unpacking. */
  private OutputStream childMidImport(String driver, byte[] tar) throws Exception {
    store = TestStores.open(dir, driver);
    store.close();
    store = null;
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      dir.resolve("root").resolve(driver).register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      child = startChildImport(driver, "child:1");
      OutputStream stdin = child.getOutputStream();
      stdin.write(tar, 0, tar.length / 2);
      stdin.flush();
      awaitLayerDirectory(watch, Duration.ofSeconds(60));
      return stdin;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void open_afterImportingProcessIsKilled_removesItsLeftoversAndImportsAgain(String driver)
      throws Exception {
    byte[] tar = Files.readAllBytes(TestStores.busyboxTar(dir));
    childMidImport(driver, tar);
    child.destroyForcibly();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(TestStores.list(dir.resolve("root").resolve(driver)))
        .as("the killed import left a layer behind").anyMatch(n -> n.matches("[0-9a-f]{64}"));

    store = TestStores.open(dir, driver);
    assertThat(store.images()).isEmpty();
    assertThat(store.layers()).isEmpty();
    assertThat(TestStores.list(dir.resolve("root").resolve(driver)))
        .noneMatch(n -> n.matches("[0-9a-f]{64}"));
    assertThat(TestStores.list(dir.resolve("root/tmp"))).isEmpty();
    assertThat(TestStores.list(dir.resolve("root/blobs/sha256"))).isEmpty();
    Image image = store.importRootfs(TestStores.busyboxTar(dir),
        ImageOptions.builder().reference("child:1").build());
    assertThat(store.images()).extracting(Image::id).containsExactly(image.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void build_whileAnotherProcessImports_waitsForTheStoreLock(String driver) throws Exception {
    byte[] tar = Files.readAllBytes(TestStores.busyboxTar(dir));
    OutputStream stdin = childMidImport(driver, tar);

    assertThatThrownBy(() -> Store.builder().root(dir.resolve("root"))
        .runRoot(dir.resolve("run")).driver(driver).lockTimeout(Duration.ofMillis(300)).build())
        .isInstanceOf(StoreLockTimeoutException.class)
        .hasMessageContaining("storage.lock");

    stdin.write(tar, tar.length / 2, tar.length - tar.length / 2);
    stdin.close();
    String childId = new String(child.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8).trim();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();
    store = TestStores.open(dir, driver);
    assertThat(store.image("child:1").id()).isEqualTo(childId);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void manyThreads_importAndMountAtOnce_leaveAConsistentStore(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    Path tar = TestStores.busyboxTar(dir);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int n = t;
      results.add(pool.submit(() -> {
        start.await();
        Image image = store.importRootfs(tar, ImageOptions.builder()
            .reference("thread:" + n).created(java.time.Instant.ofEpochSecond(n)).build());
        String cid = TestStores.containerId(100 + n);
        store.createContainerLayer(cid, image.id());
        for (int i = 0; i < 3; i++) {
          Files.writeString(store.mount(cid).resolve("tmp/" + i), "x");
          store.unmount(cid, false);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : results) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(store.images()).hasSize(threads);
    assertThat(store.layers()).as("one shared layer").hasSize(1);
    assertThat(store.containerLayers()).hasSize(threads)
        .allSatisfy(c -> assertThat(store.mountCount(c.id())).isZero());
  }

  @Test
  void open_afterRebootWithRunRootWiped_resetsMountCounts() throws Exception {
    store = TestStores.open(dir, "overlay");
    Image image = store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.defaults());
    String a = TestStores.containerId(1);
    String b = TestStores.containerId(2);
    store.createContainerLayer(a, image.id());
    store.createContainerLayer(b, image.id());
    Path mountA = store.mount(a);
    store.mount(a);
    Path mountB = store.mount(b);
    store.close();
    // A reboot: the kernel forgot mount A, and the volatile run root is empty again.
    Posix.umount(mountA, 0);
    TestStores.deleteTree(dir.resolve("run"));

    store = TestStores.open(dir, "overlay");
    assertThat(store.mountCount(a)).isZero();
    assertThat(store.mountCount(b)).isZero();
    assertThat(TestStores.mountsUnder(dir)).as("B was mounted without a count: unmounted")
        .doesNotContain(mountB.toString());
    assertThat(store.mount(a).resolve("bin/busybox")).isRegularFile();
  }

  @Test
  void mount_afterMountVanishedBehindTheStore_remountsAndCounts() throws Exception {
    store = TestStores.open(dir, "overlay");
    Image image = store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.defaults());
    String a = TestStores.containerId(1);
    store.createContainerLayer(a, image.id());
    Path mountA = store.mount(a);
    Posix.umount(mountA, 0);
    assertThat(store.mount(a).resolve("bin/busybox")).as("remounted").isRegularFile();
    assertThat(store.mountCount(a)).isEqualTo(2);
  }

  @Test
  void open_truncatedMetadata_isRefusedAndKept() throws Exception {
    store = TestStores.open(dir, "vfs");
    store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.defaults());
    store.close();
    store = null;
    Path db = dir.resolve("root/metadata.db");
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      f.setLength(0);
    }
    assertThatThrownBy(() -> TestStores.open(dir, "vfs"))
        .isInstanceOf(CorruptStoreException.class).hasMessageContaining("empty");
    assertThat(db).exists();
  }

  @Test
  void open_emptyMetadataOfAStoreThatHoldsNothing_startsAfresh() throws Exception {
    Files.createDirectories(dir.resolve("root"));
    Files.createFile(dir.resolve("root/metadata.db"));
    store = TestStores.open(dir, "vfs");
    assertThat(store.images()).isEmpty();
    store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.defaults());
    assertThat(store.images()).hasSize(1);
  }

  @Test
  void open_garbageInMetadata_isRefusedAndKept() throws Exception {
    store = TestStores.open(dir, "vfs");
    store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.defaults());
    store.close();
    store = null;
    Path db = dir.resolve("root/metadata.db");
    long size = Files.size(db);
    byte[] garbage = new byte[(int) size - 100];
    new java.util.Random(7).nextBytes(garbage);
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      f.seek(100);
      f.write(garbage);
    }
    assertThatThrownBy(() -> TestStores.open(dir, "vfs"))
        .isInstanceOf(CorruptStoreException.class);
    assertThat(Files.size(db)).isEqualTo(size);
  }

  @Test
  void build_otherDriverThanTheStoreWasMadeWith_isRefused() throws Exception {
    store = TestStores.open(dir, "overlay");
    store.close();
    store = null;
    assertThatThrownBy(() -> TestStores.open(dir, "vfs"))
        .isInstanceOf(DriverUnavailableException.class).hasMessageContaining("'overlay'");
    try (Store again = Store.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .build()) {
      assertThat(again.driverName()).as("no driver asked for: the one the store has")
          .isEqualTo("overlay");
    }
  }

  @Test
  void build_noDriverForAStoreMadeWithVfs_keepsVfs() throws Exception {
    TestStores.open(dir, "vfs").close();
    try (Store again = Store.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .build()) {
      assertThat(again.driverName()).isEqualTo("vfs");
    }
  }

  @Test
  void build_overlayOnFilesystemThatCannotBeUpper_saysUseVfs() throws Exception {
    Path l = Files.createDirectories(dir.resolve("ovl/l"));
    Path u = Files.createDirectories(dir.resolve("ovl/u"));
    Path w = Files.createDirectories(dir.resolve("ovl/w"));
    Path m = Files.createDirectories(dir.resolve("ovl/m"));
    Posix.mount("overlay", m, "overlay", 0, "lowerdir=" + l + ",upperdir=" + u + ",workdir=" + w);
    try {
      assertThatThrownBy(() -> Store.builder().root(m.resolve("store")).runRoot(dir.resolve("r"))
          .build()).isInstanceOf(DriverUnavailableException.class).hasMessageContaining("vfs");
      try (Store vfs = Store.builder().root(m.resolve("store2")).runRoot(dir.resolve("r2"))
          .driver("vfs").build()) {
        assertThat(vfs.driverName()).isEqualTo("vfs");
      }
    } finally {
      Posix.umount(m, 0);
    }
  }
}

package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.storage.internal.driver.VfsDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A driver written outside Berth plugs into the store through the public SPI. */
class DriverSpiTest {
  @TempDir Path dir;

  /** A user's driver: records every call, stores layers as the delegate does. */
  private static final class RecordingDriver implements StorageDriver {
    final List<String> calls = new ArrayList<>();
    private final StorageDriver delegate = new VfsDriver();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public void open(Path home) {
      calls.add("open " + home.getFileName());
      delegate.open(home);
    }

    @Override
    public WhiteoutFormat whiteoutFormat() {
      return delegate.whiteoutFormat();
    }

    @Override
    public void create(String id, Optional<String> parent, boolean readWrite) {
      calls.add("create " + (readWrite ? "rw" : "ro"));
      delegate.create(id, parent, readWrite);
    }

    @Override
    public Path contentDir(String id) {
      return delegate.contentDir(id);
    }

    @Override
    public Path mount(String id) {
      calls.add("mount");
      return delegate.mount(id);
    }

    @Override
    public void unmount(String id) {
      calls.add("unmount");
      delegate.unmount(id);
    }

    @Override
    public boolean usesKernelMounts() {
      return false;
    }

    @Override
    public boolean isMounted(String id) {
      return false;
    }

    @Override
    public List<LayerChange> changes(String id) {
      calls.add("changes");
      return delegate.changes(id);
    }

    @Override
    public void remove(String id) {
      calls.add("remove");
      delegate.remove(id);
    }

    @Override
    public Set<String> layerIds() {
      return delegate.layerIds();
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  @Test
  void customDriver_fullContainerLifecycle_goesThroughTheSpi() throws Exception {
    RecordingDriver driver = new RecordingDriver();
    String cid = TestStores.containerId(1);
    try (Store store = Store.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .driver(driver).build()) {
      assertThat(store.driverName()).isEqualTo("recording");
      Image image = store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.defaults());
      store.createContainerLayer(cid, image.id());
      Files.writeString(store.mount(cid).resolve("etc/custom"), "custom");
      store.unmount(cid, false);
      Image committed = store.commit(cid, ImageOptions.defaults());
      assertThat(committed.layerIds()).hasSize(2);
      store.removeContainerLayer(cid);
    }
    assertThat(driver.calls).containsSubsequence("open recording", "create ro", "create rw",
        "mount", "unmount", "changes", "create ro", "remove", "close");
    assertThat(dir.resolve("root/recording")).isDirectory();
  }
}

package io.berth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, closing and reconciling a runtime. */
class RuntimeTest {
  @TempDir Path dir;

  @Test
  void open_withoutChoices_detectsRuntimeAndDriver() throws Exception {
    try (Runtime runtime = Runtime.builder().root(dir.resolve("root"))
        .runRoot(dir.resolve("run")).build()) {
      boolean hybridCgroups = hybridWithV2Controllers();
      assertThat(runtime.ociRuntime()).isEqualTo(hybridCgroups ? "runc" : "crun");
      assertThat(runtime.storageDriver()).isEqualTo("overlay");
      assertThat(runtime.root()).isEqualTo(dir.resolve("root"));
      assertThat(runtime.runRoot().resolve("alive")).exists();
    }
  }

  @Test
  void builder_repeatedOrBadSettings_areRefusedAtOnce() {
    Runtime.Builder b = Runtime.builder().root(dir);
    assertThatThrownBy(() -> b.root(dir)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("root");
    assertThatThrownBy(() -> Runtime.builder().storageDriver("zfs"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlay or vfs");
    assertThatThrownBy(() -> Runtime.builder().root(dir).runRoot(dir.resolve("r"))
        .ociRuntime("no-such-runtime").build())
        .isInstanceOf(BerthException.class).hasMessageContaining("no-such-runtime");
  }

  @Test
  void close_leavesContainersRunning_andTheNextRuntimeFindsThem() throws Exception {
    String id;
    int pid;
    try (Fixture f = new Fixture(dir, "overlay", "runc")) {
      Container c = f.create(ContainerConfig.builder().name("survivor").command("sleep", "1000"));
      c.start();
      id = c.id();
      pid = c.inspect(false).pid().getAsInt();
      f.closeRuntime();

      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      try (Runtime next = Fixture.open(dir, "overlay", "runc")) {
        Container found = next.lookupContainer("survivor");
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.state()).isEqualTo(ContainerState.RUNNING);
        found.stop(java.time.Duration.ZERO);
        assertThat(found.waitForExit()).isEqualTo(137);
        next.removeContainer(found, false);
      }
    }
  }

  @Test
  void calls_afterClose_areRefused() {
    try (Fixture f = new Fixture(dir, "vfs", "runc")) {
      Container c = f.create("true");
      f.closeRuntime();

      assertThatThrownBy(c::state).isInstanceOf(BerthException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> f.runtime.containers()).hasMessageContaining("closed");
      f.runtime.close(); // idempotent
    }
  }

  @Test
  void open_layerWithoutRecord_removesTheLeak() throws Exception {
    String id;
    try (Fixture f = new Fixture(dir, "overlay", "runc")) {
      id = f.create("true").id();
      f.closeRuntime();
      deleteRecord(dir.resolve("root/state.db"), id);

      try (Runtime next = Fixture.open(dir, "overlay", "runc")) {
        assertThat(next.containers()).isEmpty();
      }
      try (Store store = Store.builder().root(dir.resolve("root/storage"))
          .runRoot(dir.resolve("run/storage")).driver("overlay").build()) {
        assertThat(store.findContainerLayer(id)).isEmpty();
      }
    }
  }

  @Test
  void open_recordWithoutLayer_recreatesTheRootfsAndSaysSo() throws Exception {
    try (Fixture f = new Fixture(dir, "overlay", "runc")) {
      String id = f.create("sh", "-c", "exit 2").id();
      f.closeRuntime();
      try (Store store = Store.builder().root(dir.resolve("root/storage"))
          .runRoot(dir.resolve("run/storage")).driver("overlay").build()) {
        store.removeContainerLayer(id);
      }

      try (Runtime next = Fixture.open(dir, "overlay", "runc")) {
        Container c = next.lookupContainer(id);
        assertThat(c.inspect(false).stateReason()).hasValueSatisfying(
            r -> assertThat(r).contains("re-created"));
        c.start();
        assertThat(c.waitForExit()).isEqualTo(2);
        next.removeContainer(c, false);
      }
    }
  }

  @Test
  void archiveLimits_setOnTheBuilder_areEnforcedOnImport() throws Exception {
    Path tar = io.berth.testkit.BusyboxImage.standard().writeRootfsTar(dir.resolve("b.tar"));
    try (Runtime runtime = Runtime.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .archiveLimits(io.berth.storage.ArchiveLimits.builder().maxEntries(10).build()).build()) {
      assertThatThrownBy(() -> runtime.images().importRootfs(tar, "localhost/capped:1"))
          .isInstanceOf(StorageFailureException.class)
          .hasCauseInstanceOf(io.berth.storage.ArchiveLimitExceededException.class)
          .hasMessageContaining("maxEntries");
      assertThat(runtime.images().list()).isEmpty();
    }
  }

  @Test
  void removeContainer_handleOfAnotherRuntime_isRefused() {
    try (Fixture a = new Fixture(dir.resolve("a"), "vfs", "runc");
        Fixture b = new Fixture(dir.resolve("b"), "vfs", "runc")) {
      Container c = a.create("true");
      assertThatThrownBy(() -> b.runtime.removeContainer(c, true))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another Runtime");
    }
  }

  private static void deleteRecord(Path db, String id) throws Exception {
    try (Connection conn = new org.sqlite.JDBC().connect("jdbc:sqlite:" + db, new Properties());
        PreparedStatement ps = conn.prepareStatement("DELETE FROM containers WHERE id = ?")) {
      ps.setString(1, id);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static boolean hybridWithV2Controllers() throws Exception {
    Path controllers = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");
    return Files.exists(controllers) && !Files.readString(controllers).isBlank();
  }
}

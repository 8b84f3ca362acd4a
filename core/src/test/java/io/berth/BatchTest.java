package io.berth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.internal.DefaultRuntime;
import io.berth.internal.Metrics;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch and Sync as the reference defines them: one lock, one sync, explicit re-syncs. */
class BatchTest {
  @TempDir Path dir;
  Fixture f;
  Metrics metrics;

  @BeforeEach
  void open() {
    f = new Fixture(dir, "overlay", "runc");
    metrics = ((DefaultRuntime) f.runtime).metrics();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void batch_ofManyOperations_costsOneLockAndOneRead() {
    Container c = f.create("sleep", "1000");
    long locks = metrics.lockAcquisitions();
    long reads = metrics.dbReads();

    ContainerInspect inspect = c.batch(b -> {
      b.init();
      b.start();
      b.pause();
      b.unpause();
      for (int i = 0; i < 10; i++) {
        b.state();
        b.inspect(false);
      }
      return b.inspect(false);
    });

    assertThat(inspect.state()).isEqualTo(ContainerState.RUNNING);
    assertThat(metrics.lockAcquisitions() - locks).isEqualTo(1);
    assertThat(metrics.dbReads() - reads).isEqualTo(1);
  }

  @Test
  void sync_insideBatch_readsAgain_andOutsideIsANoOp() {
    Container c = f.create("true");
    long reads = metrics.dbReads();
    c.sync();
    assertThat(metrics.dbReads()).isEqualTo(reads);

    c.batch(b -> {
      b.sync();
      b.sync();
      return null;
    });

    assertThat(metrics.dbReads() - reads).isEqualTo(3);
  }

  @Test
  void sync_insideBatch_seesTheExit() {
    Container c = f.create("sh", "-c", "exit 8");
    int code = c.batch(b -> {
      b.start();
      return b.waitForExit();
    });

    assertThat(code).isEqualTo(8);
    assertThat(c.state()).isEqualTo(ContainerState.STOPPED);
  }

  @Test
  void removeContainer_insideBatch_isRefused() {
    Container c = f.create("true");

    assertThatThrownBy(() -> c.batch(b -> {
      f.runtime.removeContainer(b, true);
      return null;
    })).isInstanceOf(ContainerStateException.class).hasMessageContaining("batch");
    assertThatThrownBy(() -> c.batch(b -> {
      f.runtime.removeContainer(c, true);
      return null;
    })).isInstanceOf(ContainerStateException.class).hasMessageContaining("batch");
    assertThat(f.runtime.findContainer(c.id())).isPresent();
  }

  @Test
  void batch_failure_isRethrownUnchanged() {
    Container c = f.create("true");
    IllegalStateException failure = new IllegalStateException("mine");

    assertThatThrownBy(() -> c.batch(b -> {
      throw failure;
    })).isSameAs(failure);
    assertThat(c.state()).isEqualTo(ContainerState.CONFIGURED);
  }

  @Test
  void batchHandle_afterTheBatch_isRefused() {
    Container c = f.create("true");
    Container[] leaked = new Container[1];
    c.batch(b -> leaked[0] = b);

    assertThatThrownBy(leaked[0]::state).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("batch");
  }

  @Test
  void batch_otherThread_waitsForTheLock() throws Exception {
    Container c = f.create("true");
    Container other = f.runtime.lookupContainer(c.id());
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread batch = new Thread(() -> c.batch(b -> {
      b.init();
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return null;
    }));
    batch.start();
    inside.await();
    var seen = java.util.concurrent.CompletableFuture.supplyAsync(other::state);

    assertThatThrownBy(() -> seen.get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
        .as("blocked by the batch's lock").isInstanceOf(java.util.concurrent.TimeoutException.class);
    release.countDown();
    assertThat(seen.get(30, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(ContainerState.CREATED);
    batch.join();
  }
}

package io.berth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.ContainerExit;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncTest {
  private static final ContainerExit EXIT_3 =
      new ContainerExit(3, Instant.parse("2026-01-01T00:00:00Z"), false, Optional.empty());

  @Test
  void observe_exitFileWrittenAsConmonExits_readsTheCodeInsteadOfUnknown() {
    // Regression: the bench saw exit code -1 when conmon wrote the exit file and exited between
    // the sync's look at the file and its look at conmon.
    ArrayDeque<Optional<ContainerExit>> reads =
        new ArrayDeque<>(List.of(Optional.empty(), Optional.of(EXIT_3)));

    Sync.Observed seen = Sync.observe(reads::poll, () -> false);

    assertThat(seen.exit()).contains(EXIT_3);
    assertThat(seen.conmonVanished()).isFalse();
  }

  @Test
  void observe_conmonGoneAndNoExitFile_isVanished() {
    Sync.Observed seen = Sync.observe(Optional::empty, () -> false);

    assertThat(seen.exit()).isEmpty();
    assertThat(seen.conmonVanished()).isTrue();
  }

  @Test
  void observe_conmonAliveAndNoExitFile_isStillRunning() {
    Sync.Observed seen = Sync.observe(Optional::empty, () -> true);

    assertThat(seen.exit()).isEmpty();
    assertThat(seen.conmonVanished()).isFalse();
  }
}

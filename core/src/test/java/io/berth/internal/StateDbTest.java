package io.berth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.AmbiguousContainerException;
import io.berth.ContainerConfig;
import io.berth.ContainerExistsException;
import io.berth.ContainerState;
import io.berth.ExecSession;
import io.berth.StateDatabaseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDbTest {
  @TempDir Path dir;

  private StateDb open() {
    return StateDb.open(dir.resolve("state.db"), Duration.ofSeconds(5), new Metrics());
  }

  static ContainerRecord record(String id, String name) {
    ContainerConfig config = ContainerConfig.builder().image("busybox").name(name)
        .command("true").env("A", "1").build();
    return new ContainerRecord(id, name, "f".repeat(64), Instant.parse("2026-01-01T00:00:00Z"),
        config, new ContainerStatus(), List.of());
  }

  static String id(char c) {
    return String.valueOf(c).repeat(64);
  }

  @Test
  void open_missingFile_createsSchemaAndLeavesNoTempFiles() throws IOException {
    try (StateDb db = open()) {
      assertThat(db.ids()).isEmpty();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.startsWith("state.db"));
    }
  }

  @Test
  void open_truncatedToZero_isRefusedAndFileKept() throws IOException {
    try (StateDb db = open()) {
      db.insert(record(id('a'), "one"));
    }
    Path file = dir.resolve("state.db");
    Files.write(file, new byte[0]);

    assertThatThrownBy(this::open).isInstanceOf(StateDatabaseException.class)
        .hasMessageContaining("empty").hasMessageContaining(file.toString());
    assertThat(file).exists().isEmptyFile();
  }

  @Test
  void open_garbagePages_isRefusedAndFileKept() throws IOException {
    try (StateDb db = open()) {
      for (int i = 0; i < 50; i++) {
        db.insert(record(String.format("%064x", i + 1), "c" + i));
      }
    }
    Path file = dir.resolve("state.db");
    Files.deleteIfExists(dir.resolve("state.db-wal"));
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 4096; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Files.write(file, bytes);

    assertThatThrownBy(this::open).isInstanceOf(StateDatabaseException.class)
        .hasMessageContaining(file.toString());
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
  }

  @Test
  void insert_nameTaken_throwsContainerExists() {
    try (StateDb db = open()) {
      db.insert(record(id('a'), "web"));

      assertThatThrownBy(() -> db.insert(record(id('b'), "web")))
          .isInstanceOf(ContainerExistsException.class).hasMessageContaining("'web'");
      assertThat(db.ids()).containsExactly(id('a'));
    }
  }

  @Test
  void load_savedStatusAndSessions_roundTrip() {
    try (StateDb db = open()) {
      ContainerRecord r = record(id('a'), "web");
      db.insert(r);
      r.status().state = ContainerState.RUNNING;
      r.status().pid = 1234;
      db.saveStatus(r.id(), r.status());
      db.addExecSession(r.id(), new ExecSession("s1", 99, List.of("sh", "-c", "x y"),
          Instant.parse("2026-01-02T00:00:00Z")));

      ContainerRecord loaded = db.load(r.id()).orElseThrow();

      assertThat(loaded.status().state).isEqualTo(ContainerState.RUNNING);
      assertThat(loaded.status().pid).isEqualTo(1234);
      assertThat(loaded.config().env()).containsEntry("A", "1");
      assertThat(loaded.config().name()).contains("web");
      assertThat(loaded.execSessions()).singleElement().satisfies(s -> {
        assertThat(s.command()).containsExactly("sh", "-c", "x y");
        assertThat(s.pid()).isEqualTo(99);
      });
    }
  }

  @Test
  void resolve_prefixNameAndId_followLookupOrder() {
    try (StateDb db = open()) {
      String a = "abc1" + "0".repeat(60);
      String b = "abc2" + "0".repeat(60);
      db.insert(record(a, "first"));
      db.insert(record(b, "abc1"));

      assertThat(db.resolve(a)).contains(a);
      assertThat(db.resolve("first")).contains(a);
      assertThat(db.resolve("abc2")).contains(b);
      assertThat(db.resolve("abc1")).as("a name beats an id prefix").contains(b);
      assertThat(db.resolve("ffff")).isEmpty();
      assertThatThrownBy(() -> db.resolve("abc"))
          .isInstanceOf(AmbiguousContainerException.class)
          .hasMessageContaining(a).hasMessageContaining(b);
    }
  }

  @Test
  void delete_withExitCode_keepsItForLateWaiters() {
    try (StateDb db = open()) {
      db.insert(record(id('a'), "web"));
      db.addExecSession(id('a'), new ExecSession("s1", 1, List.of("x"), Instant.now()));

      db.delete(id('a'), Optional.of(42));

      assertThat(db.load(id('a'))).isEmpty();
      assertThat(db.removedExitCode(id('a'))).contains(42);
      db.pruneRemovedExitCodes(Duration.ofMinutes(10));
      assertThat(db.removedExitCode(id('a'))).contains(42);
      db.pruneRemovedExitCodes(Duration.ofMillis(-1));
      assertThat(db.removedExitCode(id('a'))).isEmpty();
    }
  }

  @Test
  void twoConnections_sameFile_seeEachOthersWrites() {
    try (StateDb one = open(); StateDb two = open()) {
      one.insert(record(id('a'), "web"));

      assertThat(two.load(id('a'))).isPresent();
      assertThatThrownBy(() -> two.insert(record(id('b'), "web")))
          .isInstanceOf(ContainerExistsException.class);
    }
  }

  @Test
  void metrics_countReadsAndWrites() {
    Metrics metrics = new Metrics();
    try (StateDb db = StateDb.open(dir.resolve("m.db"), Duration.ofSeconds(5), metrics)) {
      db.insert(record(id('a'), "web"));
      db.load(id('a'));
      db.load(id('a'));

      assertThat(metrics.dbWrites()).isEqualTo(1);
      assertThat(metrics.dbReads()).isEqualTo(2);
    }
  }
}

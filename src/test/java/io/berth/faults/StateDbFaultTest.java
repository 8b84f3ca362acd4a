package io.berth.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.Container;
import io.berth.StateDatabaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged state database is refused with a clear error and never silently emptied. */
class StateDbFaultTest {
  @TempDir Path dir;

  @Test
  void open_truncatedStateDb_refusedFileKeptAndRestorable() throws Exception {
    Path db = dir.resolve("root/state.db");
    Path backup = dir.resolve("backup.db");
    String id;
    try (TestRoot root = new TestRoot(dir)) {
      id = root.create("true").id();
      root.runtime.close();
      Files.copy(db, backup);
      Files.write(db, new byte[0]);

      assertThatThrownBy(root::open).isInstanceOf(StateDatabaseException.class)
          .hasMessageContaining(db.toString()).hasMessageContaining("truncated");
      assertThat(db).exists().isEmptyFile();

      Files.copy(backup, db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      root.runtime = root.open();
      Container c = root.runtime.lookupContainer(id);
      assertThat(c.id()).isEqualTo(id);
      root.assertStillWorks();
    }
  }

  @Test
  void open_garbagePagesInStateDb_refusedAndFileKept() throws Exception {
    Path db = dir.resolve("root/state.db");
    try (TestRoot root = new TestRoot(dir)) {
      for (int i = 0; i < 20; i++) {
        root.create("true");
      }
      root.runtime.close();
      byte[] bytes = Files.readAllBytes(db);
      for (int i = 100; i < bytes.length; i += 7) {
        bytes[i] = (byte) ~bytes[i];
      }
      Files.write(db, bytes);

      assertThatThrownBy(root::open).isInstanceOf(StateDatabaseException.class)
          .hasMessageContaining(db.toString());
      assertThat(Files.readAllBytes(db)).isEqualTo(bytes);
      // Let close() work on a fresh database: the damaged one is the user's to keep.
      Files.move(db, dir.resolve("damaged.db"));
      root.runtime = root.open();
    }
  }
}

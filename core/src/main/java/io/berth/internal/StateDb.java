package io.berth.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.AmbiguousContainerException;
import io.berth.ContainerConfig;
import io.berth.ContainerExistsException;
import io.berth.ContainerState;
import io.berth.ExecSession;
import io.berth.StateDatabaseException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The container state database: one SQLite file, one row per container with config and state
 * as JSON, exec sessions in their own table, and exit codes kept for a while after removal.
 *
 * <p>Thread-safe: one connection per runtime, used under a lock (statements take microseconds).
 * Across processes SQLite's own locking applies, in WAL mode with full sync, foreign keys on and
 * a busy timeout long enough for real contention. A file that is empty or damaged is refused,
 * never treated as a fresh database.
 */
final class StateDb implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  private static final String SELECT_CONTAINER = "SELECT c.id, c.name, c.image_id, c.created_at,"
      + " c.config, c.state, (SELECT json_group_array(json_array(e.id, e.pid, json(e.command),"
      + " e.started_at)) FROM exec_sessions e WHERE e.container_id = c.id) FROM containers c";

  private final Path file;
  private final Connection conn;
  private final Metrics metrics;
  private final ReentrantLock lock = new ReentrantLock();

  private StateDb(Path file, Connection conn, Metrics metrics) {
    this.file = file;
    this.conn = conn;
    this.metrics = metrics;
  }

  /**
   * Opens {@code file}, creating it (atomically, schema included) if absent.
   *
   * @throws StateDatabaseException if the file is empty, damaged or from a newer Berth
   */
  static StateDb open(Path file, Duration busyTimeout, Metrics metrics) {
    try {
      if (!Files.exists(file)) {
        createAtomically(file);
      } else if (Files.size(file) == 0) {
        throw new StateDatabaseException("state database " + file + " is empty (0 bytes): it was"
            + " truncated. Berth will not treat it as a new database, because that would forget"
            + " every container. Restore it from a backup, or move it aside to start afresh.",
            null);
      }
      Connection conn = connect(file, busyTimeout);
      try {
        check(conn, file);
      } catch (RuntimeException | SQLException e) {
        conn.close();
        throw e;
      }
      return new StateDb(file, conn, metrics);
    } catch (SQLException e) {
      throw damaged(file, e);
    } catch (IOException e) {
      throw new StateDatabaseException("cannot open state database " + file + ": " + e, e);
    }
  }

  private static Connection connect(Path file, Duration busyTimeout) throws SQLException {
    Connection conn = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, new Properties());
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = FULL");
      st.execute("PRAGMA foreign_keys = ON");
    }
    return conn;
  }

  /** Builds the schema under a temp name and renames it in, so no half-made file is ever seen. */
  private static void createAtomically(Path file) throws IOException, SQLException {
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (Connection conn = new org.sqlite.JDBC().connect("jdbc:sqlite:" + temp,
          new Properties()); Statement st = conn.createStatement()) {
        st.execute("PRAGMA journal_mode = WAL");
        st.execute("CREATE TABLE containers ("
            + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            + " id TEXT NOT NULL UNIQUE,"
            + " name TEXT NOT NULL UNIQUE,"
            + " image_id TEXT NOT NULL,"
            + " created_at TEXT NOT NULL,"
            + " config TEXT NOT NULL,"
            + " state TEXT NOT NULL)");
        st.execute("CREATE TABLE exec_sessions ("
            + " id TEXT PRIMARY KEY NOT NULL,"
            + " container_id TEXT NOT NULL REFERENCES containers(id) ON DELETE CASCADE,"
            + " pid INTEGER NOT NULL,"
            + " command TEXT NOT NULL,"
            + " started_at TEXT NOT NULL)");
        st.execute("CREATE INDEX exec_sessions_by_container ON exec_sessions(container_id)");
        st.execute("CREATE TABLE removed_exit_codes ("
            + " id TEXT PRIMARY KEY NOT NULL,"
            + " exit_code INTEGER NOT NULL,"
            + " removed_at INTEGER NOT NULL)");
        st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
      }
      try {
        Files.move(temp, file); // no REPLACE_EXISTING: a racing process may have won
      } catch (FileAlreadyExistsException raced) {
        // Another process created it first; theirs is as good as ours.
      }
    } finally {
      Files.deleteIfExists(temp);
      Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + "-wal"));
      Files.deleteIfExists(temp.resolveSibling(temp.getFileName() + "-shm"));
    }
  }

  private static void check(Connection conn, Path file) throws SQLException {
    try (Statement st = conn.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA quick_check(1)")) {
        String result = rs.next() ? rs.getString(1) : "no answer";
        if (!"ok".equals(result)) {
          throw new StateDatabaseException("state database " + file + " is damaged (" + result
              + "). It was left untouched; restore it from a backup, or move it aside to start"
              + " afresh.", null);
        }
      }
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        int version = rs.next() ? rs.getInt(1) : 0;
        if (version != SCHEMA_VERSION) {
          throw new StateDatabaseException("state database " + file + " has schema version "
              + version + "; this Berth reads version " + SCHEMA_VERSION
              + ". Use the Berth version that wrote it.", null);
        }
      }
    }
  }

  private static StateDatabaseException damaged(Path file, SQLException e) {
    return new StateDatabaseException("state database " + file + " cannot be read: "
        + e.getMessage() + ". It was left untouched; restore it from a backup, or move it aside"
        + " to start afresh.", e);
  }

  Path file() {
    return file;
  }

  /**
   * Inserts a new container.
   *
   * @throws ContainerExistsException if the name (or id) is taken
   */
  void insert(ContainerRecord r) {
    write(() -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO containers"
          + " (id, name, image_id, created_at, config, state) VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, r.id());
        ps.setString(2, r.name());
        ps.setString(3, r.imageId());
        ps.setString(4, r.createdAt().toString());
        ps.setString(5, Json.write(StoredConfig.of(r.config(), r.name())));
        ps.setString(6, Json.write(r.status()));
        ps.executeUpdate();
      } catch (SQLException e) {
        if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
          throw new ContainerExistsException(r.id(), null, "the container name '" + r.name()
              + "' is already in use; choose another name or remove that container");
        }
        throw e;
      }
      return null;
    });
  }

  /** The container with this exact id, with its exec sessions, in one query. */
  Optional<ContainerRecord> load(String id) {
    return read(() -> {
      try (PreparedStatement ps = conn.prepareStatement(SELECT_CONTAINER + " WHERE c.id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(record(rs)) : Optional.<ContainerRecord>empty();
        }
      }
    });
  }

  /** What a sync needs: the status and exec sessions, without re-reading the fixed config. */
  record Live(ContainerStatus status, List<ExecSession> execSessions) {}

  /** The status and exec sessions of container {@code id}, in one query. */
  Optional<Live> loadLive(String id) {
    return read(() -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT c.id, c.state, (SELECT"
          + " json_group_array(json_array(e.id, e.pid, json(e.command), e.started_at)) FROM"
          + " exec_sessions e WHERE e.container_id = c.id) FROM containers c WHERE c.id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<Live>empty();
          }
          return Optional.of(new Live(status(rs.getString(2)), sessions(id, rs.getString(3))));
        }
      }
    });
  }

  /** Every container, in creation order, in one query. */
  List<ContainerRecord> loadAll() {
    return read(() -> {
      List<ContainerRecord> all = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(SELECT_CONTAINER + " ORDER BY c.seq");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          all.add(record(rs));
        }
      }
      return all;
    });
  }

  /** Every container id, in creation order. */
  List<String> ids() {
    return read(() -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM containers ORDER BY seq");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    });
  }

  /** Ids of containers whose saved state is {@code state}. */
  List<String> idsInState(ContainerState state) {
    return read(() -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT id FROM containers WHERE json_extract(state, '$.state') = ?")) {
        ps.setString(1, state.name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      return ids;
    });
  }

  /**
   * Resolves a full id, a name, or a unique id prefix, in that order.
   *
   * @throws AmbiguousContainerException if a prefix matches several ids
   */
  Optional<String> resolve(String idOrName) {
    return read(() -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT id FROM containers WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1")) {
        ps.setString(1, idOrName);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            return Optional.of(rs.getString(1));
          }
        }
      }
      if (!idOrName.matches("[0-9a-f]{1,63}")) {
        return Optional.<String>empty();
      }
      List<String> matches = new ArrayList<>();
      // The range form uses the unique index on id; LIKE would scan the table.
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT id FROM containers WHERE id >= ? AND id < ? ORDER BY id LIMIT 10")) {
        ps.setString(1, idOrName);
        ps.setString(2, idOrName + "g");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            matches.add(rs.getString(1));
          }
        }
      }
      if (matches.size() > 1) {
        throw new AmbiguousContainerException(idOrName, matches);
      }
      return matches.stream().findFirst();
    });
  }

  /**
   * Saves a container's status.
   *
   * @return false if the row no longer exists (the container was removed)
   */
  boolean saveStatus(String id, ContainerStatus status) {
    return saveStatus(id, status, true);
  }

  /**
   * Saves a container's status; {@code durable} false skips the fsync, for passing states
   * (STOPPING, REMOVING) whose loss at a power cut the next open repairs anyway. They still
   * survive a killed process: the write is in the WAL, in the kernel's page cache.
   */
  boolean saveStatus(String id, ContainerStatus status, boolean durable) {
    SqlWork<Boolean> work = () -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE containers SET state = ? WHERE id = ?")) {
        ps.setString(1, Json.write(status));
        ps.setString(2, id);
        return ps.executeUpdate() == 1;
      }
    };
    return durable ? write(work) : writeVolatile(work);
  }

  /**
   * Records a running exec. Exec sessions die with their processes at a power loss, so this
   * write skips the fsync that durable records need.
   */
  void addExecSession(String containerId, ExecSession session) {
    writeVolatile(() -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO exec_sessions"
          + " (id, container_id, pid, command, started_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, session.id());
        ps.setString(2, containerId);
        ps.setInt(3, session.pid());
        ps.setString(4, Json.write(session.command()));
        ps.setString(5, session.startedAt().toString());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Forgets exec sessions; like {@link #addExecSession}, without an fsync. */
  void removeExecSessions(String containerId, List<String> sessionIds) {
    if (sessionIds.isEmpty()) {
      return;
    }
    writeVolatile(() -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "DELETE FROM exec_sessions WHERE container_id = ? AND id = ?")) {
        for (String sessionId : sessionIds) {
          ps.setString(1, containerId);
          ps.setString(2, sessionId);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Deletes a container's row (and its exec sessions) and, if it ever exited, keeps its exit
   * code for {@link #removedExitCode} — in one transaction.
   */
  void delete(String id, Optional<Integer> exitCode) {
    write(() -> {
      if (exitCode.isPresent()) {
        try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO"
            + " removed_exit_codes (id, exit_code, removed_at) VALUES (?, ?, ?)")) {
          ps.setString(1, id);
          ps.setInt(2, exitCode.get());
          ps.setLong(3, System.currentTimeMillis());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = conn.prepareStatement("DELETE FROM containers WHERE id = ?")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** The exit code of a container removed recently, so a wait racing the removal still gets it. */
  Optional<Integer> removedExitCode(String id) {
    return read(() -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "SELECT exit_code FROM removed_exit_codes WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getInt(1)) : Optional.<Integer>empty();
        }
      }
    });
  }

  /** Forgets exit codes of containers removed more than {@code keep} ago. */
  void pruneRemovedExitCodes(Duration keep) {
    write(() -> {
      try (PreparedStatement ps = conn.prepareStatement(
          "DELETE FROM removed_exit_codes WHERE removed_at < ?")) {
        ps.setLong(1, System.currentTimeMillis() - keep.toMillis());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      conn.close();
    } catch (SQLException e) {
      throw damaged(file, e);
    } finally {
      lock.unlock();
    }
  }

  private ContainerRecord record(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    StoredConfig stored = Json.read(rs.getString(5), StoredConfig.class);
    ContainerConfig config = stored.toConfig();
    return new ContainerRecord(id, rs.getString(2), rs.getString(3),
        Instant.parse(rs.getString(4)), config, status(rs.getString(6)),
        sessions(id, rs.getString(7)));
  }

  private static ContainerStatus status(String json) {
    ContainerStatus status = Json.read(json, ContainerStatus.class);
    if (status.state == null) {
      status.state = ContainerState.UNKNOWN;
    }
    return status;
  }

  /** Built at the first exec session read, not at open: it loads Jackson's type machinery. */
  private static final class ExecRows {
    static final TypeReference<List<List<Object>>> TYPE = new TypeReference<>() {};
  }

  private static List<ExecSession> sessions(String id, String execs) throws SQLException {
    List<ExecSession> sessions = new ArrayList<>();
    if (execs != null && !execs.equals("[]")) {
      try {
        for (List<Object> row : Json.MAPPER.readValue(execs, ExecRows.TYPE)) {
          @SuppressWarnings("unchecked")
          List<String> command = (List<String>) row.get(2);
          sessions.add(new ExecSession((String) row.get(0), ((Number) row.get(1)).intValue(),
              command, Instant.parse((String) row.get(3))));
        }
      } catch (IOException e) {
        throw new SQLException("unreadable exec sessions of container " + id, e);
      }
    }
    return sessions;
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private <T> T read(SqlWork<T> work) {
    metrics.dbReads.incrementAndGet();
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      throw damaged(file, e);
    } finally {
      lock.unlock();
    }
  }

  /** As {@link #write}, committed without waiting for the disk (WAL, synchronous=NORMAL). */
  private <T> T writeVolatile(SqlWork<T> work) {
    lock.lock();
    try {
      setSynchronous("NORMAL");
      try {
        return write(work);
      } finally {
        setSynchronous("FULL");
      }
    } finally {
      lock.unlock();
    }
  }

  private void setSynchronous(String mode) {
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA synchronous = " + mode);
    } catch (SQLException e) {
      throw damaged(file, e);
    }
  }

  /** Runs {@code work} in an immediate transaction: the write lock is taken up front. */
  private <T> T write(SqlWork<T> work) {
    metrics.dbWrites.incrementAndGet();
    lock.lock();
    try {
      try (Statement st = conn.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
      }
      boolean committed = false;
      try {
        T result = work.run();
        try (Statement st = conn.createStatement()) {
          st.execute("COMMIT");
        }
        committed = true;
        return result;
      } finally {
        if (!committed) {
          try (Statement st = conn.createStatement()) {
            st.execute("ROLLBACK");
          } catch (SQLException ignored) {
            // The original failure is the one worth reporting.
          }
        }
      }
    } catch (SQLException e) {
      throw damaged(file, e);
    } finally {
      lock.unlock();
    }
  }
}

package io.berth.storage.internal;

import io.berth.storage.CorruptStoreException;
import io.berth.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store's records in one SQLite file, {@code <root>/metadata.db}: layers, images, their
 * names and blobs, container layers.
 *
 * <p>Why SQLite rather than JSON files: every change touches several records (an image, its
 * layers, its names, the name taken from another image) and must land all at once or not at
 * all; a transaction gives that, and a crash mid-write leaves the previous state (write-ahead
 * log, synchronous=FULL). Other processes read the file while one writes.
 *
 * <p>Thread-safety: every method is synchronized on this object; writers additionally hold
 * the store lock, so no two transactions from different processes overlap.
 */
final class Metadata implements AutoCloseable {
  private static final int SCHEMA_VERSION = 1;

  private final Path file;
  private final Connection db;

  record LayerRecord(String id, Optional<String> parent, String chainId, String diffId,
      Optional<String> compressedDigest, long size, Instant created) {}

  record ImageRecord(String id, Optional<String> manifestDigest, Instant added,
      List<String> layerIds, List<String> names) {}

  record ContainerRecord(String id, String imageId, String layerId, Instant created) {}

  /** Work done inside one transaction. */
  interface Work<T> {
    T run() throws SQLException;
  }

  private Metadata(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /**
   * Opens the database, creating it if the file does not exist yet. An existing file that
   * is empty, truncated or not a Berth store is refused, never reinitialised, unless
   * {@code storeHoldsNothing} (no blob exists), when an empty file can only be the remains of
   * a first open that crashed.
   */
  static Metadata open(Path file, boolean storeHoldsNothing) {
    boolean exists = Files.exists(file);
    try {
      if (exists && Files.size(file) == 0 && storeHoldsNothing) {
        // A crash between creating the file and writing the schema: nothing to lose.
        Files.delete(file);
        exists = false;
      }
      if (exists && Files.size(file) == 0) {
        throw new CorruptStoreException("the store metadata " + file + " is empty (truncated?);"
            + " Berth will not treat it as an empty store. Restore it from a backup, or move"
            + " the store root away to start afresh");
      }
    } catch (IOException e) {
      throw new CorruptStoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Connection db;
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + file);
    } catch (SQLException e) {
      throw new StorageException("could not open the store metadata " + file + ": "
          + e.getMessage(), e);
    }
    Metadata m = new Metadata(file, db);
    try {
      m.init(exists);
      return m;
    } catch (SQLException e) {
      m.close();
      throw new CorruptStoreException("the store metadata " + file + " is damaged ("
          + e.getMessage() + "); the file is kept as it is. Restore it from a backup, or move"
          + " the store root away to start afresh", e);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private void init(boolean existed) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA busy_timeout = 30000");
      if (existed) {
        try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
          String result = r.next() ? r.getString(1) : "no answer";
          if (!"ok".equals(result)) {
            throw new SQLException("integrity check failed: " + result);
          }
        }
        int version = 0;
        try (ResultSet r = s.executeQuery(
            "SELECT value FROM meta WHERE key = 'schema_version'")) {
          if (r.next()) {
            version = Integer.parseInt(r.getString(1));
          }
        } catch (SQLException | NumberFormatException e) {
          throw new SQLException("it is not a Berth store database (" + e.getMessage() + ")");
        }
        if (version != SCHEMA_VERSION) {
          throw new SQLException("schema version " + version + " is not the "
              + SCHEMA_VERSION + " this Berth understands");
        }
      }
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA synchronous = FULL");
      s.execute("PRAGMA foreign_keys = ON");
      if (!existed) {
        db.setAutoCommit(false);
        s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        s.execute("CREATE TABLE layers (id TEXT PRIMARY KEY, parent TEXT REFERENCES layers(id),"
            + " chain_id TEXT NOT NULL UNIQUE, diff_id TEXT NOT NULL, compressed_digest TEXT,"
            + " size INTEGER NOT NULL, created INTEGER NOT NULL, seq INTEGER NOT NULL)");
        s.execute("CREATE TABLE images (id TEXT PRIMARY KEY, manifest_digest TEXT,"
            + " added INTEGER NOT NULL, seq INTEGER NOT NULL)");
        s.execute("CREATE TABLE image_layers (image_id TEXT NOT NULL REFERENCES images(id)"
            + " ON DELETE CASCADE, position INTEGER NOT NULL, layer_id TEXT NOT NULL"
            + " REFERENCES layers(id), PRIMARY KEY (image_id, position))");
        s.execute("CREATE TABLE image_names (name TEXT PRIMARY KEY, image_id TEXT NOT NULL"
            + " REFERENCES images(id) ON DELETE CASCADE, seq INTEGER NOT NULL)");
        s.execute("CREATE TABLE image_blobs (image_id TEXT NOT NULL REFERENCES images(id)"
            + " ON DELETE CASCADE, digest TEXT NOT NULL, PRIMARY KEY (image_id, digest))");
        s.execute("CREATE TABLE containers (id TEXT PRIMARY KEY, image_id TEXT NOT NULL"
            + " REFERENCES images(id), layer_id TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,"
            + " seq INTEGER NOT NULL)");
        s.execute("CREATE INDEX image_layers_layer ON image_layers(layer_id)");
        s.execute("CREATE INDEX layers_parent ON layers(parent)");
        s.execute("INSERT INTO meta VALUES ('schema_version', '" + SCHEMA_VERSION + "')");
        db.commit();
        db.setAutoCommit(true);
      }
    }
  }

  /** Runs {@code work} in one transaction: all of it lands, or none. */
  synchronized <T> T transaction(Work<T> work) {
    try {
      db.setAutoCommit(false);
      try {
        T result = work.run();
        db.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private StorageException failure(SQLException e) {
    return new StorageException("store metadata " + file + ": " + e.getMessage(), e);
  }

  private synchronized <T> T query(Work<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private long nextSeq(String table) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  Optional<String> meta(String key) {
    return query(() -> strings("SELECT value FROM meta WHERE key = ?", key).stream().findFirst());
  }

  void putMeta(String key, String value) {
    transaction(() -> {
      try (PreparedStatement p = db.prepareStatement(
          "INSERT OR REPLACE INTO meta VALUES (?, ?)")) {
        p.setString(1, key);
        p.setString(2, value);
        p.executeUpdate();
      }
      return null;
    });
  }

  // ---- layers ----

  private static LayerRecord layer(ResultSet r) throws SQLException {
    return new LayerRecord(r.getString("id"), Optional.ofNullable(r.getString("parent")),
        r.getString("chain_id"), r.getString("diff_id"),
        Optional.ofNullable(r.getString("compressed_digest")), r.getLong("size"),
        Instant.ofEpochMilli(r.getLong("created")));
  }

  Optional<LayerRecord> layer(String id) {
    return query(() -> one("SELECT * FROM layers WHERE id = ?", id));
  }

  Optional<LayerRecord> layerByChainId(String chainId) {
    return query(() -> one("SELECT * FROM layers WHERE chain_id = ?", chainId));
  }

  /** Layers unpacked from the same tar (on different parents, or made twice). */
  List<LayerRecord> layersByDiffId(String diffId) {
    return query(() -> {
      List<LayerRecord> out = new ArrayList<>();
      try (PreparedStatement p = db.prepareStatement(
          "SELECT * FROM layers WHERE diff_id = ? ORDER BY created")) {
        p.setString(1, diffId);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            out.add(layer(r));
          }
        }
      }
      return out;
    });
  }

  private Optional<LayerRecord> one(String sql, String arg) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(sql)) {
      p.setString(1, arg);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(layer(r)) : Optional.empty();
      }
    }
  }

  List<LayerRecord> layers() {
    return query(() -> {
      List<LayerRecord> out = new ArrayList<>();
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT * FROM layers ORDER BY seq")) {
        while (r.next()) {
          out.add(layer(r));
        }
      }
      return out;
    });
  }

  void insertLayer(LayerRecord l) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT INTO layers VALUES (?,?,?,?,?,?,?,?)")) {
      p.setString(1, l.id());
      p.setString(2, l.parent().orElse(null));
      p.setString(3, l.chainId());
      p.setString(4, l.diffId());
      p.setString(5, l.compressedDigest().orElse(null));
      p.setLong(6, l.size());
      p.setLong(7, l.created().toEpochMilli());
      p.setLong(8, nextSeq("layers"));
      p.executeUpdate();
    }
  }

  /**
   * Deletes every layer no image uses and no other layer builds on, repeatedly (a removed
   * layer may free its parent).
   *
   * @return the ids deleted, top layers first
   */
  /** The images whose stacks list the layer. */
  List<String> imagesWithLayer(String layerId) {
    return query(() -> strings("SELECT DISTINCT image_id FROM image_layers WHERE layer_id = ?"
        + " ORDER BY image_id", layerId));
  }

  /** The layers whose parent the layer is. */
  List<String> childLayers(String layerId) {
    return query(() -> strings("SELECT id FROM layers WHERE parent = ? ORDER BY id", layerId));
  }

  void deleteLayer(String id) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM layers WHERE id = ?")) {
      p.setString(1, id);
      p.executeUpdate();
    }
  }

  List<String> deleteUnusedLayers() throws SQLException {
    List<String> deleted = new ArrayList<>();
    while (true) {
      List<String> unused = new ArrayList<>();
      try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(
          "SELECT id FROM layers l WHERE NOT EXISTS (SELECT 1 FROM image_layers i"
              + " WHERE i.layer_id = l.id) AND NOT EXISTS (SELECT 1 FROM layers c"
              + " WHERE c.parent = l.id)")) {
        while (r.next()) {
          unused.add(r.getString(1));
        }
      }
      if (unused.isEmpty()) {
        return deleted;
      }
      try (PreparedStatement p = db.prepareStatement("DELETE FROM layers WHERE id = ?")) {
        for (String id : unused) {
          p.setString(1, id);
          p.executeUpdate();
        }
      }
      deleted.addAll(unused);
    }
  }

  // ---- images ----

  List<ImageRecord> images() {
    return query(() -> {
      Map<String, ImageRecord> out = new LinkedHashMap<>();
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT * FROM images ORDER BY seq")) {
        while (r.next()) {
          out.put(r.getString("id"), new ImageRecord(r.getString("id"),
              Optional.ofNullable(r.getString("manifest_digest")),
              Instant.ofEpochMilli(r.getLong("added")), new ArrayList<>(), new ArrayList<>()));
        }
      }
      try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(
          "SELECT image_id, layer_id FROM image_layers ORDER BY image_id, position")) {
        while (r.next()) {
          out.get(r.getString(1)).layerIds().add(r.getString(2));
        }
      }
      try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(
          "SELECT image_id, name FROM image_names ORDER BY seq")) {
        while (r.next()) {
          out.get(r.getString(1)).names().add(r.getString(2));
        }
      }
      List<ImageRecord> list = new ArrayList<>();
      for (ImageRecord i : out.values()) {
        list.add(new ImageRecord(i.id(), i.manifestDigest(), i.added(),
            List.copyOf(i.layerIds()), List.copyOf(i.names())));
      }
      return list;
    });
  }

  Optional<ImageRecord> image(String id) {
    return query(() -> {
      ImageRecord base;
      try (PreparedStatement p = db.prepareStatement("SELECT * FROM images WHERE id = ?")) {
        p.setString(1, id);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          base = new ImageRecord(id, Optional.ofNullable(r.getString("manifest_digest")),
              Instant.ofEpochMilli(r.getLong("added")), List.of(), List.of());
        }
      }
      List<String> layers = strings(
          "SELECT layer_id FROM image_layers WHERE image_id = ? ORDER BY position", id);
      List<String> names = strings(
          "SELECT name FROM image_names WHERE image_id = ? ORDER BY seq", id);
      return Optional.of(new ImageRecord(id, base.manifestDigest(), base.added(),
          List.copyOf(layers), List.copyOf(names)));
    });
  }

  private List<String> strings(String sql, String arg) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement(sql)) {
      p.setString(1, arg);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
    }
    return out;
  }

  Optional<String> imageIdByName(String name) {
    return query(() -> strings("SELECT image_id FROM image_names WHERE name = ?", name)
        .stream().findFirst());
  }

  List<String> imageIdsByPrefix(String prefix) {
    return query(() -> strings("SELECT id FROM images WHERE substr(id, 1, length(?1)) = ?1",
        prefix));
  }

  List<String> imageIdsByDigest(String digest) {
    return query(() -> strings("SELECT id FROM images WHERE manifest_digest = ?", digest));
  }

  boolean hasImage(String id) throws SQLException {
    return !strings("SELECT id FROM images WHERE id = ?", id).isEmpty();
  }

  void insertImage(String id, Optional<String> manifestDigest, Instant added,
      List<String> layerIds, Set<String> blobs) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT INTO images VALUES (?,?,?,?)")) {
      p.setString(1, id);
      p.setString(2, manifestDigest.orElse(null));
      p.setLong(3, added.toEpochMilli());
      p.setLong(4, nextSeq("images"));
      p.executeUpdate();
    }
    try (PreparedStatement p = db.prepareStatement("INSERT INTO image_layers VALUES (?,?,?)")) {
      for (int i = 0; i < layerIds.size(); i++) {
        p.setString(1, id);
        p.setInt(2, i);
        p.setString(3, layerIds.get(i));
        p.executeUpdate();
      }
    }
    addImageBlobs(id, blobs);
  }

  /** Records that the image needs these blobs (for saving it). */
  void addImageBlobs(String id, Set<String> blobs) throws SQLException {
    try (PreparedStatement p = db.prepareStatement(
        "INSERT OR IGNORE INTO image_blobs VALUES (?,?)")) {
      for (String b : blobs) {
        p.setString(1, id);
        p.setString(2, b);
        p.executeUpdate();
      }
    }
  }

  /** Gives {@code name} to an image, taking it from whichever image had it. */
  void setName(String name, String imageId) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM image_names WHERE name = ?")) {
      p.setString(1, name);
      p.executeUpdate();
    }
    try (PreparedStatement p = db.prepareStatement("INSERT INTO image_names VALUES (?,?,?)")) {
      p.setString(1, name);
      p.setString(2, imageId);
      p.setLong(3, nextSeq("image_names"));
      p.executeUpdate();
    }
  }

  boolean removeName(String name) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM image_names WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() > 0;
    }
  }

  void deleteImage(String id) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM images WHERE id = ?")) {
      p.setString(1, id);
      p.executeUpdate();
    }
  }

  /** Blobs some image still needs. */
  Set<String> referencedBlobs() {
    return query(() -> {
      Set<String> out = new HashSet<>();
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT digest FROM image_blobs")) {
        while (r.next()) {
          out.add(r.getString(1));
        }
      }
      return out;
    });
  }

  Set<String> imageBlobs(String imageId) {
    return query(() -> new HashSet<>(strings(
        "SELECT digest FROM image_blobs WHERE image_id = ?", imageId)));
  }

  // ---- containers ----

  private static ContainerRecord container(ResultSet r) throws SQLException {
    return new ContainerRecord(r.getString("id"), r.getString("image_id"),
        r.getString("layer_id"), Instant.ofEpochMilli(r.getLong("created")));
  }

  Optional<ContainerRecord> container(String id) {
    return query(() -> {
      try (PreparedStatement p = db.prepareStatement("SELECT * FROM containers WHERE id = ?")) {
        p.setString(1, id);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? Optional.of(container(r)) : Optional.empty();
        }
      }
    });
  }

  List<ContainerRecord> containers() {
    return query(() -> {
      List<ContainerRecord> out = new ArrayList<>();
      try (Statement s = db.createStatement();
          ResultSet r = s.executeQuery("SELECT * FROM containers ORDER BY seq")) {
        while (r.next()) {
          out.add(container(r));
        }
      }
      return out;
    });
  }

  List<String> containersOfImage(String imageId) {
    return query(() -> strings("SELECT id FROM containers WHERE image_id = ? ORDER BY seq",
        imageId));
  }

  void insertContainer(ContainerRecord c) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT INTO containers VALUES (?,?,?,?,?)")) {
      p.setString(1, c.id());
      p.setString(2, c.imageId());
      p.setString(3, c.layerId());
      p.setLong(4, c.created().toEpochMilli());
      p.setLong(5, nextSeq("containers"));
      p.executeUpdate();
    }
  }

  void deleteContainer(String id) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("DELETE FROM containers WHERE id = ?")) {
      p.setString(1, id);
      p.executeUpdate();
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw failure(e);
    }
  }
}

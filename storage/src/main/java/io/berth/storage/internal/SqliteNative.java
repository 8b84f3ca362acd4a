package io.berth.storage.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * sqlite-jdbc unpacks its native library into the temp directory under a new name at every
 * JVM start (and runs {@code uname} to pick it), about a tenth of a second of a cold open.
 * The store, the first sqlite user of any Berth process, keeps one copy per sqlite version
 * under its run root instead (rebuilt once per boot) and points sqlite-jdbc at it, unless the
 * application already chose a library itself. The choice is JVM-wide, so every later sqlite
 * database of the process (the runtime's state DB) loads the same copy.
 */
final class SqliteNative {
  private static final System.Logger LOG = System.getLogger(SqliteNative.class.getName());
  private static final String LIB = "libsqlitejdbc.so";

  private SqliteNative() {}

  /** Call before the first sqlite connection of this JVM; later calls change nothing. */
  static synchronized void useCopyUnder(Path cacheDir) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return;
    }
    Optional<String> arch = glibcArch();
    Optional<String> version = resourceText("/META-INF/maven/org.xerial/sqlite-jdbc/VERSION");
    if (arch.isEmpty() || version.isEmpty()) {
      return; // let sqlite-jdbc find its library its own way
    }
    Path dir = cacheDir.resolve("sqlite-" + version.get() + "-" + arch.get());
    Path lib = dir.resolve(LIB);
    try {
      if (!Files.isRegularFile(lib)) {
        String resource = "/org/sqlite/native/Linux/" + arch.get() + "/" + LIB;
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path temp = Files.createTempFile(dir, "." + LIB, ".tmp");
          try {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, lib, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } finally {
            Files.deleteIfExists(temp);
          }
        }
      }
      System.setProperty("org.sqlite.lib.path", dir.toString());
      System.setProperty("org.sqlite.lib.name", LIB);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "keeping sqlite-jdbc's own native"
          + " library loading: " + e);
    }
  }

  /** The bundled library's folder name for this JVM, on glibc Linux only (musl has its own). */
  private static Optional<String> glibcArch() {
    if (!System.getProperty("os.name", "").equals("Linux")
        || Files.exists(Path.of("/lib/ld-musl-x86_64.so.1"))
        || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"))) {
      return Optional.empty();
    }
    return switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> Optional.of("x86_64");
      case "aarch64", "arm64" -> Optional.of("aarch64");
      default -> Optional.empty();
    };
  }

  private static Optional<String> resourceText(String name) {
    try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(name)) {
      return in == null ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}

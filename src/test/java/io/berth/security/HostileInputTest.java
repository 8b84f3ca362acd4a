package io.berth.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every hostile-input test class shares: a {@link Canary} outside every store, Berth roots
 * (overlay with runc always; others opened on first use), and the check after each case that
 * the canary is unchanged and every root is consistent.
 */
abstract class HostileInputTest {
  @TempDir static Path dir;
  static Canary canary;
  /** overlay with runc, the root most cases use. */
  static SecurityRoot root;

  private static final List<SecurityRoot> OPENED = new ArrayList<>();
  private static SecurityRoot vfs;

  @BeforeAll
  static void plantCanaryAndOpenRoot() throws Exception {
    canary = Canary.plant(dir.resolve("canary"));
    root = openRoot("overlay", "overlay", "runc");
  }

  /** The runc root on {@code driver}: overlay or vfs. */
  static SecurityRoot root(String driver) throws Exception {
    if (driver.equals("overlay")) {
      return root;
    }
    if (vfs == null) {
      vfs = openRoot("vfs", "vfs", "runc");
    }
    return vfs;
  }

  /** Opens one more root under the test's directory; it is checked and closed like the rest. */
  static SecurityRoot openRoot(String name, String driver, String ociRuntime) throws Exception {
    SecurityRoot r = new SecurityRoot(dir.resolve(name), driver, ociRuntime);
    OPENED.add(r);
    return r;
  }

  @AfterAll
  static void closeRoots() {
    OPENED.forEach(SecurityRoot::close);
    OPENED.clear();
    root = null;
    vfs = null;
  }

  @AfterEach
  void nothingEscapedAndStoresConsistent() throws Exception {
    canary.assertUnchanged();
    for (SecurityRoot r : OPENED) {
      r.removeImagesButBase();
      r.assertConsistent();
    }
  }
}

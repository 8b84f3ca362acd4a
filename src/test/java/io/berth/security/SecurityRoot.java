package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import io.berth.StorageFailureException;
import io.berth.oci.LogLine;
import io.berth.storage.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A private Berth root for one security test class, opened through the public
 * {@link Runtime} API with busybox imported as {@link #BASE}, plus the checks every case
 * ends with: what a container sees inside its rootfs, and that the store is still consistent
 * (no half-made layer or temp file; the next import and the next container work).
 * Used from one thread; close it to remove every container and the runtime.
 */
final class SecurityRoot implements AutoCloseable {
  static final String BASE = "localhost/busybox:security";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  final Path dir;
  final String driver;
  final String ociRuntime;
  Runtime runtime;
  private boolean closed;
  private final AtomicInteger counter = new AtomicInteger();

  SecurityRoot(Path dir, String driver) throws IOException {
    this(dir, driver, "runc");
  }

  SecurityRoot(Path dir, String driver, String ociRuntime) throws IOException {
    this.dir = dir;
    this.driver = driver;
    this.ociRuntime = ociRuntime;
    this.runtime = open();
    runtime.images().importRootfs(Tar.busybox().write(dir.resolve("busybox.tar")), BASE);
  }

  private Runtime open() {
    return Runtime.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .ociRuntime(ociRuntime).storageDriver(driver).build();
  }

  /** Closes the runtime, so another process can work on the root alone, and opens it again. */
  void closeRuntime() {
    runtime.close();
    closed = true;
  }

  /** Opens the runtime again after {@link #closeRuntime()}: the store's recovery runs. */
  void reopen() {
    runtime = open();
    closed = false;
  }

  /** The store's own directory inside the Berth root. */
  Path storage() {
    return dir.resolve("root").resolve("storage");
  }

  /** Imports {@code tar} as a one-layer image through {@code images().importRootfs}. */
  Image importTar(byte[] tar, String reference) throws IOException {
    Path file = dir.resolve("import-" + counter.incrementAndGet() + ".tar");
    Files.write(file, tar);
    try {
      return runtime.images().importRootfs(file, reference);
    } finally {
      Files.delete(file);
    }
  }

  /** Imports {@code tar}, expecting the store to refuse it; returns the store's own exception. */
  <T extends Throwable> T rejectedImport(byte[] tar, Class<T> cause) throws IOException {
    StorageFailureException e = catchThrowableOfType(StorageFailureException.class,
        () -> importTar(tar, "localhost/rejected:" + counter.incrementAndGet()));
    assertThat(e).as("import of a hostile tar must fail").isNotNull();
    assertThat(e.getCause()).as("the store's specific exception").isInstanceOf(cause);
    return cause.cast(e.getCause());
  }

  /** Loads an archive or layout, expecting the store to refuse it. */
  <T extends Throwable> T rejectedLoad(Path archive, Class<T> cause) {
    StorageFailureException e = catchThrowableOfType(StorageFailureException.class,
        () -> runtime.images().load(archive));
    assertThat(e).as("load of a hostile archive must fail").isNotNull();
    assertThat(e.getCause()).as("the store's specific exception").isInstanceOf(cause);
    return cause.cast(e.getCause());
  }

  /** Exit code and output (stdout and stderr, lines joined with newlines) of one run. */
  record Run(int exitCode, String output) {}

  /** Runs a container of {@code image} to completion and removes it. */
  Run run(String image, Consumer<ContainerConfig.Builder> setup, String... command) {
    ContainerConfig.Builder b = ContainerConfig.builder().image(image).command(command);
    setup.accept(b);
    Container c = runtime.newContainer(b.build());
    try {
      c.start();
      int code = c.waitForExit(RUN_TIMEOUT).orElseThrow(() ->
          new AssertionError("container did not exit within " + RUN_TIMEOUT));
      StringBuilder out = new StringBuilder();
      for (LogLine l : c.logs()) {
        out.append(l.text()).append(l.partial() ? "" : "\n");
      }
      return new Run(code, out.toString());
    } finally {
      runtime.removeContainer(c, true);
    }
  }

  Run run(String image, String... command) {
    return run(image, b -> { }, command);
  }

  /**
   * What a container of {@code image} has at each of {@code paths} (relative to its root), read
   * on the host from its mounted rootfs without following any symlink: see {@link Inside}.
   */
  Map<String, String> inside(String image, String... paths) throws IOException {
    Container c = runtime.newContainer(ContainerConfig.builder().image(image).command("true")
        .build());
    try {
      Path rootfs = c.mount();
      try {
        return Inside.describe(rootfs, List.of(paths));
      } finally {
        c.unmount();
      }
    } finally {
      runtime.removeContainer(c, true);
    }
  }

  /**
   * Everything under {@code rel} (a directory) in a container of {@code image}, by path below
   * it, described as {@link Inside} does; an empty map if {@code rel} is not a directory.
   */
  Map<String, String> tree(String image, String rel) throws IOException {
    Container c = runtime.newContainer(ContainerConfig.builder().image(image).command("true")
        .build());
    try {
      Path rootfs = c.mount();
      try {
        return Inside.tree(rootfs, rel);
      } finally {
        c.unmount();
      }
    } finally {
      runtime.removeContainer(c, true);
    }
  }

  /**
   * The store is consistent: no container left, no temp file, a layer directory for exactly
   * the layers images use, and a new import and a container from it work.
   */
  void assertConsistent() throws IOException {
    assertThat(runtime.containers()).as("containers left by the case").isEmpty();
    assertThat(list(storage().resolve("tmp"))).as("temporary files in the store").isEmpty();
    Set<String> used = new HashSet<>();
    runtime.images().list().forEach(i -> used.addAll(i.layerIds()));
    Set<String> onDisk = new HashSet<>(list(storage().resolve(driver)));
    onDisk.removeIf(n -> !n.matches("[0-9a-f]{64}"));
    assertThat(onDisk).as("layer directories of the %s driver", driver)
        .containsExactlyInAnyOrderElementsOf(used);

    int n = counter.incrementAndGet();
    String ref = "localhost/consistency:" + n;
    importTar(Tar.busybox().file("ok", "still works " + n + "\n").bytes(), ref);
    Run r = run(ref, "cat", "/ok");
    assertThat(r.exitCode()).isZero();
    assertThat(r.output()).isEqualTo("still works " + n + "\n");
    runtime.images().remove(ref);
  }

  private static List<String> list(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Removes every image but the base one, so cases do not see each other's layers. */
  void removeImagesButBase() {
    for (Image i : runtime.images().list()) {
      if (!i.names().contains(BASE)) {
        runtime.images().remove(i.id());
      }
    }
  }

  /** Removes every container (a case that failed may have left some) and closes the runtime. */
  @Override
  public void close() {
    if (closed) {
      reopen();
    }
    try (Runtime r = runtime) {
      for (Container c : r.containers()) {
        r.removeContainer(c, true);
      }
    }
  }

  /** Reads a container's rootfs on the host, never following a symlink. */
  static final class Inside {
    private Inside() {}

    static Map<String, String> describe(Path rootfs, List<String> paths) throws IOException {
      Map<String, String> out = new java.util.LinkedHashMap<>();
      for (String p : paths) {
        out.put(p, describe(rootfs, p));
      }
      return out;
    }

    static Map<String, String> tree(Path rootfs, String rel) throws IOException {
      Map<String, String> out = new java.util.TreeMap<>();
      if (!describe(rootfs, rel).startsWith("dir ")) {
        return out;
      }
      try (Stream<Path> s = Files.list(rootfs.resolve(rel))) {
        for (String name : s.map(p -> p.getFileName().toString()).sorted().toList()) {
          String child = rel + "/" + name;
          out.put(name, describe(rootfs, child));
          tree(rootfs, child).forEach((k, v) -> out.put(name + "/" + k, v));
        }
      }
      return out;
    }

    /**
     * {@code "file 0644 0:0 <content>"}, {@code "dir 0755 0:0"}, {@code "symlink -> t"},
     * {@code "fifo ..."}, {@code "chardev 1:3 ..."}, {@code "missing"}, or
     * {@code "behind symlink a/b"} when a parent component is a symlink (which a host-side
     * reader must not follow).
     */
    static String describe(Path rootfs, String rel) throws IOException {
      Path p = rootfs;
      String[] parts = rel.split("/");
      for (int i = 0; i < parts.length; i++) {
        p = p.resolve(parts[i]);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          return "missing";
        }
        if (i < parts.length - 1 && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          return (Files.isSymbolicLink(p) ? "behind symlink " : "behind non-directory ")
              + String.join("/", java.util.Arrays.copyOf(parts, i + 1));
        }
      }
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,rdev",
          LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      String perms = String.format("%04o %d:%d", mode & 07777,
          Integer.toUnsignedLong((Integer) a.get("uid")),
          Integer.toUnsignedLong((Integer) a.get("gid")));
      long rdev = (Long) a.get("rdev");
      String dev = ((rdev >>> 8) & 0xfff) + ":" + ((rdev & 0xff) | ((rdev >>> 12) & 0xfff00));
      return switch (mode & 0170000) {
        case 0100000 -> "file " + perms + " " + Files.readString(p);
        case 0040000 -> "dir " + perms;
        case 0120000 -> "symlink -> " + Files.readSymbolicLink(p);
        case 0010000 -> "fifo " + perms;
        case 0020000 -> "chardev " + dev + " " + perms;
        case 0060000 -> "blockdev " + dev + " " + perms;
        default -> String.format("type %o", mode & 0170000);
      };
    }
  }
}

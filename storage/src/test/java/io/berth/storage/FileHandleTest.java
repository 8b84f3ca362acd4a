package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.internal.sys.FileHandle;
import io.berth.storage.internal.sys.FileTrees;
import io.berth.storage.internal.sys.Posix;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walking and deleting trees a container may change meanwhile: handles never pass through a
 * symlink, never open a fifo or device to look at it, and deleting a tree never leaves it.
 */
class FileHandleTest {
  @TempDir Path dir;

  @Test
  void walk_throughSymlinkedDirectory_findsNothing() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree/real"));
    Files.writeString(tree.resolve("f"), "inside");
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("f"), "outside");
    Files.createSymbolicLink(dir.resolve("tree/link"), outside);
    try (FileHandle root = FileHandle.openDirectory(dir.resolve("tree"))) {
      assertThat(root.walk("link/f")).isEmpty();
      Optional<FileHandle> link = root.child("link");
      assertThat(link.get().stat().isSymlink()).isTrue();
      assertThat(link.get().readLink()).isEqualTo(outside.toString());
      assertThat(link.get().xattrNames()).isEmpty();
      link.get().close();
      try (FileHandle f = root.walk("real/f").orElseThrow();
          FileChannel ch = f.openRead()) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        ch.read(b);
        assertThat(new String(b.array(), 0, b.position())).isEqualTo("inside");
      }
      assertThat(root.child("missing")).isEmpty();
      assertThatThrownBy(() -> root.child("../outside"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void handle_keepsMeaningTheFileItOpenedWhenThePathIsSwapped() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree/d"));
    Files.writeString(tree.resolve("f"), "inside");
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "host secret");
    try (FileHandle root = FileHandle.openDirectory(dir.resolve("tree"));
        FileHandle d = root.child("d").orElseThrow()) {
      Files.move(tree, dir.resolve("tree/moved"));
      Files.createSymbolicLink(dir.resolve("tree/d"), outside);
      assertThat(d.list()).containsExactly("f");
      assertThat(d.child("secret")).isEmpty();
    }
  }

  @Test
  void child_fifoAndDevice_areLookedAtWithoutOpeningAndNeverRead() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("tree"));
    Posix.mknod(tree.resolve("fifo"), Posix.S_IFIFO | 0600, 0, 0);
    Posix.mknod(tree.resolve("mem"), Posix.S_IFCHR | 0600, 1, 1);
    try (FileHandle root = FileHandle.openDirectory(tree);
        FileHandle fifo = root.child("fifo").orElseThrow();
        FileHandle mem = root.child("mem").orElseThrow()) {
      assertThat(fifo.stat().type()).isEqualTo(Posix.S_IFIFO);
      assertThat(Posix.major(mem.stat().rdev())).isEqualTo(1);
      assertThat(Posix.minor(mem.stat().rdev())).isEqualTo(1);
      assertThatThrownBy(fifo::openRead).hasMessageContaining("not a regular file");
      assertThatThrownBy(mem::openRead).hasMessageContaining("not a regular file");
    }
  }

  @Test
  void xattrs_ofAFile_readThroughTheHandle() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    Files.getFileAttributeView(f, UserDefinedFileAttributeView.class)
        .write("kept", java.nio.ByteBuffer.wrap(new byte[] {1, 0, 2}));
    try (FileHandle root = FileHandle.openDirectory(dir);
        FileHandle h = root.child("f").orElseThrow()) {
      assertThat(h.xattrNames()).contains("user.kept");
      assertThat(h.xattr("user.kept")).containsExactly(1, 0, 2);
      assertThat(h.xattr("user.absent")).isNull();
    }
  }

  /**
   * A tree 3000 directories deep (its paths far past PATH_MAX, which path-based deletion
   * cannot reach; built by moving 200-deep chains into each other) with symlinks out every
   * 200 levels: all of it goes, nothing outside, and no descriptor stays open.
   */
  @Test
  void deleteTree_pastPathMaxWithSymlinksOut_deletesOnlyTheTree() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside/sub"));
    Files.writeString(outside.resolve("keep"), "keep");
    TreeMap<String, String> before = TreeSnapshot.of(dir.resolve("outside"), true);
    Path tree = null;
    for (int chain = 0; chain < 15; chain++) {
      Path top = dir.resolve("chain" + chain);
      Path deepest = Files.createDirectories(top.resolve("d/".repeat(200)));
      Files.createSymbolicLink(deepest.resolve("up"), outside);
      Files.createSymbolicLink(top.resolve("file-link"), outside.resolve("keep"));
      if (tree != null) {
        Files.move(tree, deepest.resolve("below"));
      }
      tree = top;
    }
    long fds = openDescriptors();
    FileTrees.deleteTree(tree);
    assertThat(tree).doesNotExist();
    assertThat(openDescriptors()).as("descriptors left open").isLessThanOrEqualTo(fds);
    assertThat(TreeSnapshot.of(dir.resolve("outside"), true)).isEqualTo(before);
    FileTrees.deleteTree(tree);
  }

  private static long openDescriptors() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}

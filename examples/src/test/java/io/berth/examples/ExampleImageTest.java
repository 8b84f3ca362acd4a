package io.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.Runtime;
import io.berth.storage.Image;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleImageTest {
  @TempDir Path dir;

  @Test
  void busybox_importedTwice_isTheSameImageWithNothingLeftUntagged() throws Exception {
    try (Runtime runtime = Runtime.builder().root(dir.resolve("root"))
        .runRoot(dir.resolve("run")).build()) {
      Image first = ExampleImage.busybox(runtime);
      Image second = ExampleImage.busybox(runtime);

      assertThat(second.id()).isEqualTo(first.id());
      assertThat(runtime.images().list()).extracting(Image::id).containsExactly(first.id());
      assertThat(second.names()).containsExactly(ExampleImage.REFERENCE);
    }
  }
}

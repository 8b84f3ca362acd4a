package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.internal.ImageReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Public values and builders: normalisation, and failing fast on bad or repeated settings. */
class ValuesTest {

  @ParameterizedTest
  @CsvSource({
      "busybox, docker.io/library/busybox:latest",
      "busybox:1.36, docker.io/library/busybox:1.36",
      "library/busybox, docker.io/library/busybox:latest",
      "user/app, docker.io/user/app:latest",
      "docker.io/busybox, docker.io/library/busybox:latest",
      "index.docker.io/busybox, docker.io/library/busybox:latest",
      "localhost/x, localhost/x:latest",
      "localhost:5000/a/b:c, localhost:5000/a/b:c",
      "quay.io/org/app:v1.2-rc_3, quay.io/org/app:v1.2-rc_3",
      "quay.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
          + " quay.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  })
  void imageReference_parse_normalisesLikePodman(String input, String expected) {
    assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER", "a b", "x:", "x@sha256:123", "-lead", "a//b",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "x:bad/tag"})
  void imageReference_malformed_isRejectedWithTheReason(String input) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidReferenceException.class).hasMessageContaining("invalid image");
  }

  @Test
  void imageOptions_repeatedOrBadSettings_failAtOnce() {
    assertThatThrownBy(() -> ImageOptions.builder().reference("a").reference("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("reference");
    assertThatThrownBy(() -> ImageOptions.builder().reference("Not Valid"))
        .isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> ImageOptions.builder().author("a").author("b"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ImageOptions.builder().reference("x").build().reference())
        .contains("docker.io/library/x:latest");
  }

  @Test
  void configChanges_badOrRepeatedSettings_failAtOnce() {
    assertThatThrownBy(() -> ConfigChanges.builder().env("", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigChanges.builder().env("A=B", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigChanges.builder().env("A", "x").env("A", "y"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("env A");
    assertThatThrownBy(() -> ConfigChanges.builder().env("A", "nul\0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    assertThatThrownBy(() -> ConfigChanges.builder().workingDir("relative"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    assertThatThrownBy(() -> ConfigChanges.builder().cmd(List.of("a")).cmd(List.of("b")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ConfigChanges.builder().exposedPort("http"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configChanges_applyTo_replacesAndMergesLikePodmanChange() {
    ImageConfig base = ImageConfig.builder().env(List.of("PATH=/usr/bin", "KEEP=1"))
        .cmd(List.of("sh")).labels(Map.of("a", "1")).exposedPorts(java.util.Set.of("80/tcp"))
        .build();
    ImageConfig changed = ConfigChanges.builder().env("PATH", "/bin").env("NEW", "2")
        .label("b", "2").exposedPort("53/udp").entrypoint(List.of("/init")).build()
        .applyTo(base);
    assertThat(changed.env()).containsExactly("KEEP=1", "PATH=/bin", "NEW=2");
    assertThat(changed.cmd()).containsExactly("sh");
    assertThat(changed.entrypoint()).containsExactly("/init");
    assertThat(changed.labels()).containsEntry("a", "1").containsEntry("b", "2");
    assertThat(changed.exposedPorts()).containsExactly("80/tcp", "53/udp");
    assertThat(ConfigChanges.none().applyTo(base)).isEqualTo(base);
  }

  @Test
  void imageConfigBuilder_toBuilder_allowsOneChangeOfEachSetting() {
    ImageConfig base = ImageConfig.builder().cmd(List.of("a")).build();
    ImageConfig.Builder b = base.toBuilder().cmd(List.of("b"));
    assertThatThrownBy(() -> b.cmd(List.of("c"))).isInstanceOf(IllegalStateException.class);
    assertThat(b.build().cmd()).containsExactly("b");
    assertThat(base.cmd()).containsExactly("a");
  }

  @Test
  void storeBuilder_missingRepeatedOrUnknownSettings_failAtOnce() {
    assertThatThrownBy(() -> Store.builder().root(Path.of("/a")).root(Path.of("/b")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("root");
    assertThatThrownBy(() -> Store.builder().driver("btrfs"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vfs");
    assertThatThrownBy(() -> Store.builder().driver("vfs").driver("overlay"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Store.builder().root(Path.of("/x")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("runRoot");
    assertThatThrownBy(() -> ArchiveLimits.builder().maxEntries(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void values_badIds_areRejected() {
    assertThatThrownBy(() -> new ContainerLayer("x", "y", "z", java.util.Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
    assertThatThrownBy(() -> new LayerChange("../x", LayerChange.Kind.CHANGED))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

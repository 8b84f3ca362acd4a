package io.berth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContainerConfigTest {

  @Test
  void build_withoutImage_isRefused() {
    assertThatThrownBy(() -> ContainerConfig.builder().name("x").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("image");
  }

  @Test
  void build_defaults_areTheReferenceOnes() {
    ContainerConfig config = ContainerConfig.builder().image("busybox").build();

    assertThat(config.stopTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.name()).isEmpty();
    assertThat(config.command()).isEmpty();
    assertThat(config.privileged()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-x", ".x", "a b", "a/b", "ü", "x:y"})
  void name_invalid_isRefused(String name) {
    assertThatThrownBy(() -> ContainerConfig.builder().name(name))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void name_tooLongOrLikeAnId_isRefused() {
    assertThatThrownBy(() -> ContainerConfig.builder().name("a".repeat(129)))
        .hasMessageContaining("128");
    assertThatThrownBy(() -> ContainerConfig.builder().name("0123456789abcdef".repeat(4)))
        .hasMessageContaining("looks like a container id");
  }

  @Test
  void name_valid_isKept() {
    assertThat(ContainerConfig.builder().image("i").name("web-1.a_b").build().name())
        .contains("web-1.a_b");
  }

  @Test
  void setting_repeated_isRefused() {
    ContainerConfig.Builder b = ContainerConfig.builder().image("busybox").user("1");

    assertThatThrownBy(() -> b.image("other")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("image");
    assertThatThrownBy(() -> b.user("2")).isInstanceOf(IllegalStateException.class);
    b.env("A", "1");
    assertThatThrownBy(() -> b.env("A", "2")).hasMessageContaining("env A");
  }

  @Test
  void env_badEntries_areRefused() {
    ContainerConfig.Builder b = ContainerConfig.builder();

    assertThatThrownBy(() -> b.env("", "x")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> b.env("A=B", "x")).hasMessageContaining("'='");
    assertThatThrownBy(() -> b.env("A", "x\0y")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> b.env("A\0", "x")).hasMessageContaining("NUL");
  }

  @Test
  void workingDir_relativeOrProc_isRefused() {
    assertThatThrownBy(() -> ContainerConfig.builder().workingDir("tmp"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerConfig.builder().workingDir("/proc/self/fd"))
        .hasMessageContaining("/proc");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2147483648", "0:2147483648", "99999999999", "a:b:c", ":", "root:"})
  void user_outOfRangeOrMalformed_isRefused(String user) {
    assertThatThrownBy(() -> ContainerConfig.builder().user(user))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(user);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1000:1000", "berth", "berth:wheel", "2147483647"})
  void user_valid_isKept(String user) {
    assertThat(ContainerConfig.builder().image("i").user(user).build().user()).contains(user);
  }

  @Test
  void stopSignalAndTimeout_outOfRange_areRefused() {
    assertThatThrownBy(() -> ContainerConfig.builder().stopSignal(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerConfig.builder().stopSignal(65))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerConfig.builder().stopTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void command_emptyOrWithNul_isRefused() {
    assertThatThrownBy(() -> ContainerConfig.builder().command())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerConfig.builder().command("a\0"))
        .hasMessageContaining("NUL");
  }
}

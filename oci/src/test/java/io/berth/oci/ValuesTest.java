package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public value types and their builders. */
class ValuesTest {
  @Test
  void containerPath_normalisesAndRejectsEscapes() {
    assertThat(ContainerPath.of("//usr/./bin/")).hasToString("/usr/bin");
    assertThat(ContainerPath.of("/")).isEqualTo(ContainerPath.ROOT);
    assertThat(ContainerPath.of("/usr").resolve("local/bin")).hasToString("/usr/local/bin");
    assertThat(ContainerPath.of("/a/b").segments()).containsExactly("a", "b");
    assertThat(ContainerPath.of("/proc/self").startsWith(ContainerPath.of("/proc"))).isTrue();
    assertThat(ContainerPath.of("/process").startsWith(ContainerPath.of("/proc"))).isFalse();
    assertThatThrownBy(() -> ContainerPath.of("relative")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> ContainerPath.of("/a/../etc")).hasMessageContaining("..");
    assertThatThrownBy(() -> ContainerPath.of("/a\0b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> ContainerPath.ROOT.resolve("/abs"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signals_namesAndNumbers() {
    assertThat(Signals.number("SIGTERM")).isEqualTo(15);
    assertThat(Signals.number("kill")).isEqualTo(9);
    assertThat(Signals.number("10")).isEqualTo(10);
    assertThat(Signals.number("SIGRTMIN+2")).isEqualTo(36);
    assertThatThrownBy(() -> Signals.number("SIGNOPE")).hasMessageContaining("SIGNOPE");
    assertThatThrownBy(() -> Signals.number("65")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void settingsBuilder_repeatedOrBadSettings_rejectedAtOnce() {
    ContainerSettings.Builder b = ContainerSettings.builder().rootfs(Path.of("/r"));
    b.hostname("box");
    assertThatThrownBy(() -> b.hostname("other")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hostname is already set");
    assertThatThrownBy(() -> b.hostname("-bad")).isInstanceOf(IllegalArgumentException.class);
    b.env("A", "1");
    assertThatThrownBy(() -> b.env("A", "2")).hasMessageContaining("set twice");
    assertThatThrownBy(() -> b.env("", "x")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> b.env("B", "x\0y")).hasMessageContaining("NUL");
    b.bindMount(BindMount.of(Path.of("/x"), ContainerPath.of("/data"), true));
    assertThatThrownBy(() -> b.bindMount(BindMount.of(Path.of("/y"), ContainerPath.of("/data"),
        false))).hasMessageContaining("two bind mounts on /data");
    assertThatThrownBy(() -> b.rlimit("nofile", 10, 5)).hasMessageContaining("above the hard");
    assertThatThrownBy(() -> b.rlimit("bogus", 1, 1)).hasMessageContaining("unknown rlimit");
    b.capAdd("net_raw");
    assertThatThrownBy(() -> b.capDrop("CAP_NET_RAW")).hasMessageContaining("both added and dropped");
    assertThatThrownBy(() -> ContainerSettings.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("rootfs is required");
  }

  @Test
  void imageDefaults_badEnvEntry_rejected() {
    assertThatThrownBy(() -> ImageDefaults.builder().env(List.of("NOEQUALS")))
        .hasMessageContaining("NAME=value");
    assertThatThrownBy(() -> ImageDefaults.builder().stopSignal("SIGWHAT"))
        .hasMessageContaining("SIGWHAT");
    assertThat(ImageDefaults.builder().user("").build().user()).isEmpty();
  }

  @Test
  void createRequest_badIdOrMissingPaths_rejected() {
    assertThatThrownBy(() -> CreateRequest.builder().id("../x")).hasMessageContaining("'../x'");
    assertThatThrownBy(() -> CreateRequest.builder().id("ok").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("bundle is required");
    assertThatThrownBy(() -> CreateRequest.builder().logLevel("loud"))
        .hasMessageContaining("loud");
    CreateRequest r = CreateRequest.builder().id("c1").bundle(Path.of("/b")).runDir(Path.of("/r"))
        .exitDir(Path.of("/e")).logFile(Path.of("/l")).build();
    assertThat(r.attachSocket()).isEqualTo(Path.of("/b/attach"));
    assertThat(r.exitFile()).isEqualTo(Path.of("/e/c1"));
    assertThat(r.name()).isEqualTo("c1");
  }

  @Test
  void attachOptions_detachKeys_parsed() {
    assertThat(AttachOptions.builder().build().detachKeys()).containsExactly(16, 17);
    assertThat(AttachOptions.builder().detachKeys("ctrl-a,d").build().detachKeys())
        .containsExactly(1, 'd');
    assertThat(AttachOptions.builder().detachKeys("").build().detachKeys()).isEmpty();
    assertThatThrownBy(() -> AttachOptions.builder().detachKeys("ctrl-1"))
        .hasMessageContaining("ctrl-1");
  }

  @Test
  void execRequest_emptyCommand_rejected() {
    assertThatThrownBy(() -> ExecRequest.builder().command(List.of()))
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> ExecRequest.builder().build())
        .isInstanceOf(IllegalStateException.class);
  }
}

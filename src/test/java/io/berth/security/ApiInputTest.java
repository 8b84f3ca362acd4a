package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.Container;
import io.berth.ContainerConfig;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Hostile values through the API: container names that are malformed, too long or look like
 * an id; env entries with NUL or an empty name; relative or {@code /proc} working
 * directories; user and group ids above 2^31-1. All are refused by the builders with
 * {@link IllegalArgumentException}, before anything is written.
 */
class ApiInputTest extends HostileInputTest {

  private static void refused(Consumer<ContainerConfig.Builder> setting, String message) {
    List<Container> before = root.runtime.containers();
    assertThatThrownBy(() -> root.runtime.newContainer(settings(setting).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    assertThat(root.runtime.containers()).as("containers after a refused create")
        .hasSameSizeAs(before);
  }

  private static ContainerConfig.Builder settings(Consumer<ContainerConfig.Builder> setting) {
    ContainerConfig.Builder b = ContainerConfig.builder().image(SecurityRoot.BASE)
        .command("true");
    setting.accept(b);
    return b;
  }

  @Test
  void newContainer_badNames_areRefused() {
    for (String name : List.of("", "-lead", ".hidden", "a b", "a/b", "../x", "x\u0000y",
        "é", "x".repeat(ContainerConfig.MAX_NAME_LENGTH + 1))) {
      refused(b -> b.name(name), "invalid container name");
    }
    Container other = root.runtime.newContainer(settings(b -> { }).build());
    try {
      refused(b -> b.name(other.id()), "looks like a container id");
      refused(b -> b.name("a".repeat(64)), "looks like a container id");
    } finally {
      root.runtime.removeContainer(other, true);
    }
    Container longest = root.runtime.newContainer(settings(b -> b.name("x".repeat(
        ContainerConfig.MAX_NAME_LENGTH))).build());
    root.runtime.removeContainer(longest, true);
  }

  @Test
  void newContainer_badEnvEntries_areRefused() {
    refused(b -> b.env("", "x"), "invalid env name ''");
    refused(b -> b.env("A=B", "x"), "invalid env name 'A=B'");
    refused(b -> b.env("A\u0000B", "x"), "NUL");
    refused(b -> b.env("A", "x\u0000y"), "NUL");
  }

  @Test
  void newContainer_relativeOrProcWorkingDirectories_areRefused() {
    for (String path : List.of("relative", "./x", "/proc", "/proc/self/fd", "/proc/1/root",
        "/a/../proc/self/fd/3")) {
      assertThatThrownBy(() -> root.runtime.newContainer(settings(b -> b.workingDir(path))
          .build())).as(path).isInstanceOf(IllegalArgumentException.class);
      assertThat(root.runtime.containers()).isEmpty();
    }
  }

  @Test
  void newContainer_userOrGroupIdsAbove2pow31Minus1_areRefused() {
    for (String user : List.of("2147483648", "4294967295", "0:2147483648",
        "99999999999", "1:-1")) {
      assertThatThrownBy(() -> root.runtime.newContainer(settings(b -> b.user(user)).build()))
          .as(user).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid user");
      assertThat(root.runtime.containers()).isEmpty();
    }
    SecurityRoot.Run r = root.run(SecurityRoot.BASE, b -> b.user("2147483647:2147483647"),
        "id", "-u");
    assertThat(r.output()).isEqualTo("2147483647\n");
  }
}

package io.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void parse_noArguments_runsEveryWorkloadInFull() {
    BenchOptions o = BenchOptions.parse();

    assertThat(o.effort()).isEqualTo(Effort.FULL);
    assertThat(o.workloads()).isEqualTo(BenchOptions.WORKLOADS);
  }

  @Test
  void parse_onlyInAnyOrder_keepsTheCanonicalOrder() {
    BenchOptions o = BenchOptions.parse("--quick", "--only", "scale,lifecycle", "--json",
        "/tmp/x.json");

    assertThat(o.effort()).isEqualTo(Effort.QUICK);
    assertThat(o.workloads()).containsExactly("lifecycle", "scale");
    assertThat(o.json()).isEqualTo(Path.of("/tmp/x.json"));
  }

  @Test
  void parse_unknownWorkload_namesTheChoices() {
    assertThatThrownBy(() -> BenchOptions.parse("--only", "lifecycle,startup"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown workload 'startup'")
        .hasMessageContaining("lifecycle,exec,parallel,unpack,export,commit,scale");
  }

  @Test
  void parse_optionWithoutValue_showsTheUsage() {
    assertThatThrownBy(() -> BenchOptions.parse("--json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--json needs a value")
        .hasMessageContaining("usage: Bench");
  }
}

package io.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void median_evenCount_averagesTheMiddleTwo() {
    Samples s = Samples.of(List.of(40L, 10L, 30L, 20L));

    assertThat(s.median()).isEqualTo(25.0);
    assertThat(s.n()).isEqualTo(4);
  }

  @Test
  void quartiles_unsortedInput_interpolateBetweenRanks() {
    Samples s = Samples.of(List.of(5L, 1L, 4L, 2L, 3L));

    assertThat(s.median()).isEqualTo(3.0);
    assertThat(s.p25()).isEqualTo(2.0);
    assertThat(s.p75()).isEqualTo(4.0);
    assertThat(s.quantile(0.1)).isEqualTo(1.4, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void of_noSamples_isRefused() {
    assertThatThrownBy(() -> Samples.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rate_fromTimes_swapsTheQuartiles() {
    Samples s = Samples.of(List.of(1_000_000_000L, 2_000_000_000L, 4_000_000_000L));

    Row r = Row.rate("w", "c", s, 8, "things/s");

    assertThat(r.median()).isEqualTo(4.0);
    assertThat(r.low()).isLessThan(r.median());
    assertThat(r.high()).isGreaterThan(r.median());
  }
}

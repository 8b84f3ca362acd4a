package io.berth.oci.internal.conmon;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.oci.LogLine;
import io.berth.oci.LogStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogAndDetachTest {
  @Test
  void parse_k8sFileRecords() {
    LogLine l = K8sFileLog.parse("2026-01-02T03:04:05.123456789+01:00 stderr F hello  world")
        .orElseThrow();
    assertThat(l.time()).isEqualTo(Instant.parse("2026-01-02T02:04:05.123456789Z"));
    assertThat(l.stream()).isEqualTo(LogStream.STDERR);
    assertThat(l.text()).isEqualTo("hello  world");
    assertThat(l.partial()).isFalse();
    assertThat(K8sFileLog.parse("2026-01-02T03:04:05Z stdout P ").orElseThrow().text()).isEmpty();
    assertThat(K8sFileLog.parse("2026-01-02T03:04:05Z stdout F").orElseThrow().text()).isEmpty();
    assertThat(K8sFileLog.parse("garbage")).isEmpty();
    assertThat(K8sFileLog.parse("2026-01-02T03:04:05Z stdin F x")).isEmpty();
  }

  @Test
  void detachMatcher_holdsPrefixReleasesOnMismatchDetachesOnMatch() {
    DetachMatcher m = new DetachMatcher(new byte[] {16, 17});
    DetachMatcher.Result r = m.feed(bytes("ab\u0010"), 3);
    assertThat(r.forward()).isEqualTo(bytes("ab"));
    assertThat(r.detached()).isFalse();
    r = m.feed(bytes("c"), 1);
    assertThat(r.forward()).isEqualTo(bytes("\u0010c"));
    r = m.feed(bytes("\u0010\u0010\u0011zz"), 5);
    assertThat(r.forward()).isEqualTo(bytes("\u0010"));
    assertThat(r.detached()).isTrue();
    DetachMatcher none = new DetachMatcher(new byte[0]);
    assertThat(none.feed(bytes("\u0010\u0011"), 2).detached()).isFalse();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}

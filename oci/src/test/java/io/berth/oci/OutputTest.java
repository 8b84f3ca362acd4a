package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Container output through conmon's k8s-file log and through its attach socket. */
class OutputTest {
  private static final String BOTH_STREAMS = "echo out1; echo err1 >&2; echo out2; echo err2 >&2";

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void logs_stdoutAndStderr_keptApartWithTimes(String runtime) throws Exception {
    java.time.Instant before = java.time.Instant.now();
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", BOTH_STREAMS);
      assertThat(h.awaitExit().exitCode()).isZero();
      List<LogLine> lines = ContainerLogs.read(h.request().logFile());
      assertThat(texts(lines, LogStream.STDOUT)).containsExactly("out1", "out2");
      assertThat(texts(lines, LogStream.STDERR)).containsExactly("err1", "err2");
      assertThat(lines).allSatisfy(l -> {
        assertThat(l.partial()).isFalse();
        assertThat(l.time()).isBetween(before, java.time.Instant.now());
      });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void logs_lineWithoutNewline_markedPartial(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("printf", "no newline");
      h.awaitExit();
      List<LogLine> lines = ContainerLogs.read(h.request().logFile());
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).text()).isEqualTo("no newline");
      assertThat(lines.get(0).partial()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void follow_untilExitFile_deliversEveryLineInOrderThenEnds(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create("seq", "1", "2000");
      List<String> seen = new CopyOnWriteArrayList<>();
      try (LogFollower follower = ContainerLogs.follow(h.request().logFile(),
          ContainerLogs.joiningLines(l -> seen.add(l.text())), h.request().exitFile())) {
        t.runtime.start(h.id());
        assertThat(follower.awaitEnd(TestContainers.WAIT)).isTrue();
      }
      assertThat(ContainerLogs.readLines(h.request().logFile())).extracting(LogLine::text)
          .isEqualTo(seen);
      assertThat(seen).isEqualTo(IntStream.rangeClosed(1, 2000).mapToObj(Integer::toString)
          .collect(Collectors.toList()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void follow_runningContainer_deliversNewLinesUntilClosed(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create(t.settings("sh", "-c",
          "echo first; read line; echo \"got $line\"; sleep 1000")
          .stdin(true).build(), r -> r.stdin(true));
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch second = new CountDownLatch(1);
      try (LogFollower follower = ContainerLogs.follow(h.request().logFile(), l -> {
        if (l.text().equals("first")) {
          first.countDown();
        } else if (l.text().equals("got typed")) {
          second.countDown();
        }
      })) {
        t.runtime.start(h.id());
        assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
        // Feed a line through attach: the follower must pick up what conmon logs next.
        try (AttachSession s = AttachSession.connect(h.created().attachSocket(),
            AttachOptions.builder().stdin(new ByteArrayInputStream(
                "typed\n".getBytes(StandardCharsets.UTF_8))).closeStdinAtEof(false).build())) {
          assertThat(second.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(follower.awaitEnd(Duration.ZERO)).isFalse();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void attach_beforeStart_receivesAllOutputWithStreamsApart(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create("sh", "-c", BOTH_STREAMS + "; seq 1 3000");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      try (AttachSession session = AttachSession.connect(h.created().attachSocket(),
          AttachOptions.builder().stdout(out).stderr(err).build())) {
        t.runtime.start(h.id());
        assertThat(session.awaitEnd(TestContainers.WAIT)).contains(AttachEnd.OUTPUT_CLOSED);
      }
      String expectedSeq = IntStream.rangeClosed(1, 3000).mapToObj(i -> i + "\n")
          .collect(Collectors.joining());
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("out1\nout2\n" + expectedSeq);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("err1\nerr2\n");
      assertThat(h.awaitExit().exitCode()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void attach_socketPathLongerThanSunPath_connects(String runtime) throws Exception {
    Path deep = tmp.resolve("d".repeat(60)).resolve("e".repeat(60));
    try (TestContainers t = new TestContainers(runtime, deep)) {
      TestContainers.Handle h = t.create("echo", "far away");
      assertThat(h.created().attachSocket().toString().length()).isGreaterThan(108);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (AttachSession session = AttachSession.connect(h.created().attachSocket(),
          AttachOptions.builder().stdout(out).build())) {
        t.runtime.start(h.id());
        assertThat(session.awaitEnd(TestContainers.WAIT)).contains(AttachEnd.OUTPUT_CLOSED);
      }
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("far away\n");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void attach_stdinThenEof_containerReadsItAndExits(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create(t.settings("sh", "-c", "tr a-z A-Z; exit 5")
          .stdin(true).build(), r -> r.stdin(true));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream stdin = new ByteArrayInputStream("hello\nworld\n".getBytes(StandardCharsets.UTF_8));
      try (AttachSession session = AttachSession.connect(h.created().attachSocket(),
          AttachOptions.builder().stdout(out).stdin(stdin).build())) {
        t.runtime.start(h.id());
        assertThat(session.awaitEnd(TestContainers.WAIT)).contains(AttachEnd.OUTPUT_CLOSED);
      }
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("HELLO\nWORLD\n");
      assertThat(h.awaitExit().exitCode()).isEqualTo(5);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void attach_detachKeys_sessionDetachesAndKeysAreNotForwarded(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      // As with podman, ending a non-tty session closes the container's stdin: cat ends,
      // the container goes on.
      TestContainers.Handle h = t.create(t.settings("sh", "-c", "cat; echo eof; sleep 1000")
          .stdin(true).build(), r -> r.stdin(true));
      CountDownLatch eof = new CountDownLatch(1);
      // ctrl-p, ctrl-q (0x10 0x11) after a line; "after" must never reach the container.
      byte[] input = "before\n\u0010\u0011after\n".getBytes(StandardCharsets.US_ASCII);
      try (LogFollower follower = ContainerLogs.follow(h.request().logFile(), l -> {
        if (l.text().equals("eof")) {
          eof.countDown();
        }
      });
          AttachSession session = AttachSession.connect(h.created().attachSocket(),
              AttachOptions.builder().stdin(new ByteArrayInputStream(input)).build())) {
        t.runtime.start(h.id());
        assertThat(session.awaitEnd(TestContainers.WAIT)).contains(AttachEnd.DETACHED);
        assertThat(eof.await(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(t.runtime.state(h.id()).orElseThrow().status()).isEqualTo(OciState.RUNNING);
      assertThat(texts(ContainerLogs.read(h.request().logFile()), LogStream.STDOUT))
          .containsExactly("before", "eof");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void terminal_container_outputOnOneStreamFromAPty(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create(t.settings("sh", "-c", "tty; echo $TERM; echo err >&2")
          .terminal(true).build());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (AttachSession session = AttachSession.connect(h.created().attachSocket(),
          AttachOptions.builder().stdout(out).build())) {
        t.runtime.start(h.id());
        assertThat(session.awaitEnd(TestContainers.WAIT)).contains(AttachEnd.OUTPUT_CLOSED);
      }
      assertThat(h.awaitExit().exitCode()).isZero();
      // A terminal has one output stream, with CRLF line ends.
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("/dev/pts/0\r\nxterm\r\nerr\r\n");
      assertThat(ContainerLogs.readLines(h.request().logFile())).extracting(LogLine::stream)
          .containsOnly(LogStream.STDOUT);
    }
  }

  private static List<String> texts(List<LogLine> lines, LogStream stream) {
    return lines.stream().filter(l -> l.stream() == stream).map(LogLine::text).toList();
  }
}

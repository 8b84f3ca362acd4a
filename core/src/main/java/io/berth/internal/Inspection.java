package io.berth.internal;

import io.berth.ContainerInspect;
import io.berth.oci.ContainerLogs;
import io.berth.oci.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds snapshots of a container for callers; runs under the container's lock. */
final class Inspection {
  private Inspection() {}

  static ContainerInspect inspect(DefaultContainer c, boolean size) {
    ContainerStatus s = c.status();
    ContainerRecord r = c.record();
    RuntimeContext ctx = c.ctx();
    OptionalLong rootfsSize = size
        ? OptionalLong.of(Errors.translate(c.id(), s.state, () -> ctx.store().size(c.id())))
        : OptionalLong.empty();
    return new ContainerInspect(
        c.id(),
        c.name(),
        c.config().image(),
        r.imageId(),
        s.state,
        s.state.isActive() && s.pid > 0 ? OptionalInt.of(s.pid) : OptionalInt.empty(),
        s.exitCode == null ? OptionalInt.empty() : OptionalInt.of(s.exitCode),
        s.oomKilled,
        Optional.ofNullable(s.reason),
        r.createdAt(),
        Optional.ofNullable(s.startedAt).map(Instant::parse),
        Optional.ofNullable(s.finishedAt).map(Instant::parse),
        Optional.ofNullable(s.mountpoint).map(Path::of),
        c.config(),
        ctx.layout().log(c.id()),
        ctx.layout().bundle(c.id()),
        r.execSessions(),
        rootfsSize,
        ctx.oci().name(),
        ctx.store().driverName());
  }

  static List<LogLine> logs(DefaultContainer c) {
    Path log = c.ctx().layout().log(c.id());
    if (!Files.exists(log)) {
      return List.of();
    }
    return Errors.translate(c.id(), c.status().state, () -> ContainerLogs.read(log));
  }
}

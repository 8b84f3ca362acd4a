package io.berth.internal;

import io.berth.ContainerConfig;
import io.berth.ExecSession;
import java.time.Instant;
import java.util.List;

/** One row of the state database: what never changes, plus the current status. */
record ContainerRecord(
    String id,
    String name,
    String imageId,
    Instant createdAt,
    ContainerConfig config,
    ContainerStatus status,
    List<ExecSession> execSessions) {}

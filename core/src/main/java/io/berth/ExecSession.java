package io.berth;

import java.time.Instant;
import java.util.List;

/** An exec process running in a container, as recorded in the state database. */
public record ExecSession(String id, int pid, List<String> command, Instant startedAt) {
  public ExecSession {
    command = List.copyOf(command);
  }
}

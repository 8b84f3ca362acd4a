package io.berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * podman as a user runs it, on a private store inside the workspace (its own graph root, run
 * root and tmp dir), so the bench neither sees nor disturbs the host's podman containers. The
 * run root and tmp dir hold sockets, so they live in the workspace's short directory.
 *
 * <p>On this kind of host podman's defaults do not run a container at all: it asks the runtime
 * for nofile=1048576 (and nproc=1048576 once nofile is given), but the runtime cannot raise a
 * hard limit without CAP_SYS_RESOURCE, and {@code --ulimit host} still emits the default nofile
 * in podman 4.3. A private containers.conf ({@code CONTAINERS_CONF}) therefore sets
 * {@code default_ulimits} to the host's own hard limits (see {@link Host#hostUlimits()}); that
 * is what {@code --ulimit host} means, and what Berth does too. Everything else is default,
 * including crun as runtime and the bridge network.
 */
final class Podman implements AutoCloseable {
  private final List<String> base;
  private final Cmd cmd;
  private final List<String> ulimits;

  Podman(Workspace ws) throws IOException {
    Path dir = ws.dir("podman");
    this.ulimits = Host.hostUlimits();
    Path conf = dir.resolve("containers.conf");
    Files.writeString(conf, "[containers]\ndefault_ulimits = ["
        + ulimits.stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(", "))
        + "]\n");
    this.base = List.of("podman", "--root", dir.resolve("root").toString(),
        "--runroot", ws.shortDir().resolve("run").toString(),
        "--tmpdir", ws.shortDir().resolve("tmp").toString(),
        "--storage-driver", "overlay");
    this.cmd = ws.cmd(Map.of("CONTAINERS_CONF", conf.toString()));
  }

  /** What the report says about how podman was configured. */
  String settings() {
    return "podman runs on a private store with default_ulimits " + ulimits
        + " (the host's hard limits; podman's defaults fail here without CAP_SYS_RESOURCE)";
  }

  void run(String... args) {
    cmd.run(command(args));
  }

  String output(String... args) {
    return cmd.output(command(args));
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(base);
    command.addAll(List.of(args));
    return command;
  }

  /** Removes every container and image of the private store. */
  @Override
  public void close() {
    run("rm", "--all", "--force", "--time", "0");
    run("rmi", "--all", "--force");
  }
}

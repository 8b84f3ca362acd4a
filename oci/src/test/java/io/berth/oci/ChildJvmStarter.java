package io.berth.oci;

import java.nio.file.Path;

/**
 * Entry point of the child JVM in {@link ConmonTest}: creates and starts a container, prints
 * where to find it, then blocks until it is killed.
 */
public final class ChildJvmStarter {
  private ChildJvmStarter() {}

  public static void main(String[] args) throws Exception {
    String runtime = args[0];
    Path dir = Path.of(args[1]);
    Path state = dir.resolve("state");
    OciRuntime rt = OciRuntimes.cli(TestContainers.runtimeBinary(runtime), state,
        Conmon.locate());
    Path rootfs = TestContainers.rootfs(dir.resolve("rootfs"));
    Bundle bundle = Bundle.write(dir.resolve("bundle"), ContainerSettings.builder()
        .rootfs(rootfs)
        .command("sh", "-c", "trap 'exit 7' TERM; echo trapped; while :; do sleep 0.05; done")
        .build(), ImageDefaults.none());
    String id = "berth-child-" + ProcessHandle.current().pid();
    CreateRequest request = CreateRequest.builder().id(id).bundle(bundle)
        .runDir(dir.resolve("run")).exitDir(dir.resolve("exits"))
        .logFile(dir.resolve("ctr.log")).build();
    CreatedContainer c = rt.create(request);
    rt.start(id);
    // Only report READY once the trap is set, so the parent's SIGTERM cannot beat it.
    java.util.concurrent.CountDownLatch trapped = new java.util.concurrent.CountDownLatch(1);
    try (LogFollower follower = ContainerLogs.follow(request.logFile(), l -> {
      if (l.text().equals("trapped")) {
        trapped.countDown();
      }
    })) {
      if (!trapped.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("the container never set its trap");
      }
    }
    System.out.println(String.join(" ", "READY", id, "" + c.conmonPid(),
        "" + c.conmonStartTime(), request.exitDir().toString(), request.runDir().toString(),
        state.toString()));
    System.out.flush();
    new java.util.concurrent.CountDownLatch(1).await(); // Until the test kills this JVM.
  }
}

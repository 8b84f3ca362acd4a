package io.berth.examples;

/** Opens a Runtime on the defaults, imports busybox, runs {@code echo}, prints output and exit code. */
public final class HelloContainer {
  private HelloContainer() {}

  public static void main(String[] args) {
    Preflight.requireReadyHost();
    System.out.println("Host is ready: Linux, root, an OCI runtime, conmon and busybox were found.");
    System.err.println("Berth's Runtime API is not built yet (issue 5); nothing was run.");
    System.exit(3);
  }
}

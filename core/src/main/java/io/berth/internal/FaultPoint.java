package io.berth.internal;

/**
 * Named places where a crash test can make this JVM die on the spot, as a SIGKILL would, to
 * prove that the next runtime recovers. Armed only by the system property
 * {@code io.berth.internal.crashAt=<name>}, read once; otherwise a no-op.
 */
final class FaultPoint {
  static final String AFTER_RUNTIME_CREATE = "after-runtime-create";

  private static final String ARMED = System.getProperty("io.berth.internal.crashAt", "");

  private FaultPoint() {}

  static void reached(String name) {
    if (ARMED.equals(name)) {
      java.lang.Runtime.getRuntime().halt(137);
    }
  }
}

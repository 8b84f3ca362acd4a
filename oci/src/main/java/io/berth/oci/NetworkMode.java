package io.berth.oci;

/** Which network a container sees. */
public enum NetworkMode {
  /** A network namespace of its own with only the loopback interface. The default. */
  NONE,
  /** The host's network namespace: the container sees and uses the host's interfaces. */
  HOST
}

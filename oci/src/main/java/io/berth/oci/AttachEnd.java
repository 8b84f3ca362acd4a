package io.berth.oci;

/** Why an {@link AttachSession} ended. */
public enum AttachEnd {
  /** The detach key sequence was read from stdin; the container keeps running. */
  DETACHED,
  /** conmon closed the connection: the container's output has ended (it exited). */
  OUTPUT_CLOSED,
  /** {@link AttachSession#close()} was called. */
  CLOSED
}

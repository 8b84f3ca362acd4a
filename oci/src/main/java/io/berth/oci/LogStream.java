package io.berth.oci;

/** Which of the container's output streams a log line came from. */
public enum LogStream {
  STDOUT,
  STDERR
}

/**
 * Berth's bridge to OCI runtimes: runtime-spec bundles, any runc-compatible runtime binary, and
 * conmon supervision (exit files, logs, attach).
 */
module io.berth.oci {
  requires com.sun.jna;
  requires com.google.common;
  requires com.fasterxml.jackson.databind;

  exports io.berth.oci;
}

/**
 * Berth's bridge to OCI runtimes: runtime-spec bundles, any runc-compatible runtime binary, and
 * conmon supervision (exit files, logs, attach).
 */
module io.berth.oci {
  requires com.sun.jna;
  requires com.google.common;
  requires com.fasterxml.jackson.databind;

  exports io.berth.oci;

  // Jackson maps the runtime-spec model by reflection; JNA binds libc through a proxy.
  opens io.berth.oci.internal.spec to com.fasterxml.jackson.databind;
  opens io.berth.oci.internal.sys to com.sun.jna;
}

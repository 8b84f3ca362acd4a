/**
 * Side-by-side benchmarks of Berth against raw runc and crun and against podman, on the same
 * busybox image, in one run. Run {@code io.berth.bench.Bench}; nothing here is an API.
 */
module io.berth.bench {
  requires io.berth;
  requires io.berth.testkit;
  requires com.fasterxml.jackson.databind;
  requires java.management;

  // Jackson writes the report's records through their accessors.
  opens io.berth.bench to com.fasterxml.jackson.databind;
}

/** Offline test images for Berth's tests and examples. */
module io.berth.testkit {
  requires org.apache.commons.compress;

  exports io.berth.testkit;
}

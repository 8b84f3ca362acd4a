/** Small, complete programs that show how to embed Berth. */
module io.berth.examples {
  requires io.berth;
  requires io.berth.testkit;

  exports io.berth.examples;
}

package io.berth.bench;

/**
 * One way of doing a workload, timed by {@link Sampler}. Only {@link #run} is timed;
 * {@link #before} and {@link #after} set up and clean up each repetition outside the clock.
 */
interface Contender {
  String name();

  default void before(int repetition) throws Exception {}

  void run(int repetition) throws Exception;

  default void after(int repetition) throws Exception {}

  /** A contender with nothing to prepare or clean up. */
  static Contender of(String name, Step step) {
    return new Contender() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(int repetition) throws Exception {
        step.run(repetition);
      }
    };
  }

  /** The timed part of a simple contender. */
  @FunctionalInterface
  interface Step {
    void run(int repetition) throws Exception;
  }
}

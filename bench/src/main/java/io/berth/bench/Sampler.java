package io.berth.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times contenders in interleaved rounds: each round runs every contender once, in a freshly
 * shuffled order (fixed seed, so runs are comparable), so a slow phase of the machine
 * (writeback, another process) hits all of them alike instead of whichever ran then, and no
 * contender always follows the same one: podman leaves cleanup processes running after it
 * returns, which slowed whoever came next (a rotating order put one contender there in four
 * rounds of five). The first rounds are warm-ups and not kept.
 */
final class Sampler {
  private static final long SEED = 20261129L;

  private final int warmups;
  private final int repetitions;

  Sampler(int warmups, int repetitions) {
    if (warmups < 0 || repetitions < 1) {
      throw new IllegalArgumentException("warmups " + warmups + ", repetitions " + repetitions);
    }
    this.warmups = warmups;
    this.repetitions = repetitions;
  }

  /** The kept samples of each contender, by name, in the order given. */
  Map<String, Samples> measure(List<Contender> contenders) {
    Map<String, List<Long>> kept = new LinkedHashMap<>();
    contenders.forEach(c -> kept.put(c.name(), new ArrayList<>()));
    int rounds = warmups + repetitions;
    Random order = new Random(SEED);
    List<Contender> round = new ArrayList<>(contenders);
    for (int r = 0; r < rounds; r++) {
      Collections.shuffle(round, order);
      for (Contender c : round) {
        long nanos = once(c, r);
        if (r >= warmups) {
          kept.get(c.name()).add(nanos);
        }
      }
    }
    Map<String, Samples> result = new LinkedHashMap<>();
    kept.forEach((name, nanos) -> result.put(name, Samples.of(nanos)));
    return result;
  }

  private static long once(Contender c, int round) {
    try {
      c.before(round);
      long start = System.nanoTime();
      c.run(round);
      long nanos = System.nanoTime() - start;
      c.after(round);
      return nanos;
    } catch (BenchException e) {
      throw e;
    } catch (Exception e) {
      throw new BenchException(c.name() + " failed in round " + round + ": " + e, e);
    }
  }
}

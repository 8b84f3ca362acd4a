package io.berth.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times contenders in interleaved rounds: each round runs every contender once, starting with a
 * different one each time, so a slow phase of the machine (writeback, another process) hits all
 * of them alike instead of whichever ran then. The first rounds are warm-ups and not kept.
 */
final class Sampler {
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
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < contenders.size(); k++) {
        Contender c = contenders.get((round + k) % contenders.size());
        long nanos = once(c, round);
        if (round >= warmups) {
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

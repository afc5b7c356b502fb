package io.lvsoperator.dataplane.engine;

import java.util.Map;
import java.util.TreeMap;

/**
 * The fuzzer's long run ({@code dataplane/bench/fuzz.sh}): the same generated frames and the same
 * invariant as {@link EngineFuzzTest}, for as many frames as asked (a fresh engine every 10,000
 * frames, so start-up states recur). Prints the frames per second and the outcome of every frame
 * by kind; exits 1 on the first frame with other than one outcome, or a path never reached.
 */
public final class EngineFuzzRun {
  private EngineFuzzRun() {}

  public static void main(String[] args) throws Exception {
    long frames = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    Map<String, Long> outcomes = new TreeMap<>();
    long start = System.nanoTime();
    long done = 0;
    for (long s = seed; done < frames; s++) {
      int n = (int) Math.min(10_000, frames - done);
      EngineFuzzTest.run(s, n).forEach((k, v) -> outcomes.merge(k, v, Long::sum));
      done += n;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long total = done;
    System.out.printf("frames %d, seeds %d.., %.1f s, %.0f frames/s (invariant checks included)%n", total, seed, seconds,
        total / seconds);
    outcomes.forEach((k, v) -> System.out.printf("  %-28s %10d  %5.2f %%%n", k, v, 100.0 * v / total));
    var missing = new java.util.TreeSet<>(EngineFuzzTest.MUST_REACH);
    missing.removeAll(outcomes.keySet());
    System.out.println(missing.isEmpty() ? "every path reached" : "never reached: " + missing);
    System.exit(missing.isEmpty() ? 0 : 1);
  }
}

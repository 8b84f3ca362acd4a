package io.berth.bench;

/**
 * A goal the issue sets for Berth, and whether this run met it. Shown, never asserted: timings
 * on a shared 2-core machine are not a pass/fail signal for CI.
 */
record Target(String workload, String goal, String measured, boolean met) {}

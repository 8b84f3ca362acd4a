package io.berth.bench;

/**
 * How two medians of one workload compare: {@code value} is {@code subject}'s median divided by
 * {@code reference}'s (times) or the reverse (rates), as {@code meaning} says in words.
 */
record Ratio(String workload, String subject, String reference, double value, String meaning) {}

package io.berth.oci;

/**
 * What an exec'd process left behind.
 *
 * @param exitCode its exit status (128+N if killed by signal N; 126 not executable, 127 not found)
 * @param stdout everything it wrote to stdout, decoded as UTF-8
 * @param stderr everything it wrote to stderr, decoded as UTF-8
 */
public record ExecResult(int exitCode, String stdout, String stderr) {}

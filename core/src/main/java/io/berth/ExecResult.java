package io.berth;

/** How an exec ended: the process's exit code and everything it wrote. */
public record ExecResult(int exitCode, String stdout, String stderr) {}

package io.berth.oci;

import java.time.Instant;

/**
 * One record of a container's log.
 *
 * @param time when conmon read the output
 * @param stream stdout or stderr
 * @param text the output without the trailing newline
 * @param partial true if the process had not yet ended the line (conmon's {@code P} tag): the
 *     next record of the same stream continues it
 */
public record LogLine(Instant time, LogStream stream, String text, boolean partial) {}

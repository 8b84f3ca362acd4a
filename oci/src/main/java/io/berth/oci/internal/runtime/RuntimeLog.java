package io.berth.oci.internal.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.oci.internal.spec.SpecJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the JSON log runc and crun write with {@code --log <file> --log-format json}: one
 * object per line with {@code level} and {@code msg}. The last error is what went wrong.
 */
public final class RuntimeLog {
  /** Only the end of the log matters; a runaway log is not read whole. */
  private static final int MAX_TAIL_BYTES = 64 * 1024;

  private RuntimeLog() {}

  /** The message of the last {@code error} or {@code fatal} record, if any. */
  public static Optional<String> lastError(Path log) {
    byte[] bytes;
    try (var ch = Files.newByteChannel(log)) {
      long size = ch.size();
      long from = Math.max(0, size - MAX_TAIL_BYTES);
      ch.position(from);
      bytes = new byte[(int) (size - from)];
      var buf = java.nio.ByteBuffer.wrap(bytes);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // Fill the buffer.
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    String last = null;
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode node = SpecJson.MAPPER.readTree(line);
        String level = node.path("level").asText("");
        if (level.equals("error") || level.equals("fatal")) {
          last = node.path("msg").asText(line);
        }
      } catch (IOException e) {
        // A line cut off at the tail boundary, or not JSON at all: skip it.
      }
    }
    return Optional.ofNullable(last);
  }
}

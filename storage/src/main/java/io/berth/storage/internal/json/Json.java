package io.berth.storage.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.storage.ArchiveLimitExceededException;
import io.berth.storage.ImageFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON through Jackson trees. Documents from archives are parsed with a cap on nesting (from
 * {@code ArchiveLimits.maxJsonDepth}) on top of the size cap their callers apply, so a
 * hostile manifest cannot exhaust the stack or memory; the store's own documents, checked when
 * they were loaded, are read without a depth cap. Thread-safe.
 */
public final class Json {
  private static final ConcurrentHashMap<Integer, ObjectMapper> MAPPERS =
      new ConcurrentHashMap<>();
  /** For the store's own documents and for writing. */
  private static final ObjectMapper MAPPER = mapper(Integer.MAX_VALUE);

  private Json() {}

  private static ObjectMapper mapper(int maxDepth) {
    return new ObjectMapper(JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            .maxStringLength(Integer.MAX_VALUE)
            .maxNumberLength(64)
            .build())
        .build());
  }

  private static ObjectMapper mapperFor(int maxDepth) {
    return maxDepth == Integer.MAX_VALUE ? MAPPER
        : MAPPERS.computeIfAbsent(maxDepth, Json::mapper);
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * Parses a JSON object the store wrote or already checked.
   *
   * @param what names the document in the error message
   * @throws ImageFormatException if it is not a JSON object
   */
  public static ObjectNode parseObject(byte[] data, String what) {
    return parseObject(data, what, Integer.MAX_VALUE);
  }

  /**
   * Parses a JSON object from an archive.
   *
   * @throws ArchiveLimitExceededException if it nests deeper than {@code maxDepth}
   * @throws ImageFormatException if it is not a JSON object
   */
  public static ObjectNode parseObject(byte[] data, String what, int maxDepth) {
    JsonNode node = parse(data, what, maxDepth);
    if (node == null || !node.isObject()) {
      throw new ImageFormatException(what + " is not a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Parses a JSON array from an archive; see {@link #parseObject(byte[], String, int)}. */
  public static ArrayNode parseArray(byte[] data, String what, int maxDepth) {
    JsonNode node = parse(data, what, maxDepth);
    if (node == null || !node.isArray()) {
      throw new ImageFormatException(what + " is not a JSON array");
    }
    return (ArrayNode) node;
  }

  private static JsonNode parse(byte[] data, String what, int maxDepth) {
    try {
      return mapperFor(maxDepth).readTree(data);
    } catch (StreamConstraintsException e) {
      if (maxDepth != Integer.MAX_VALUE && e.getMessage().contains("nesting depth")) {
        throw new ArchiveLimitExceededException(what + " nests arrays and objects deeper than "
            + maxDepth + " levels; raise ArchiveLimits.maxJsonDepth if it is genuine");
      }
      throw new ImageFormatException(what + " is not usable JSON: " + message(e), e);
    } catch (IOException e) {
      throw new ImageFormatException(what + " is not valid JSON: " + message(e), e);
    }
  }

  private static String message(IOException e) {
    return e instanceof JsonProcessingException
        ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
  }

  /** Compact UTF-8 bytes, fields in insertion order. */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + node, e);
    }
  }

  public static String text(JsonNode node) {
    return new String(bytes(node), StandardCharsets.UTF_8);
  }

  /** A string field, if present and a string. */
  public static Optional<String> string(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  /** A required string field. */
  public static String requireString(JsonNode node, String field, String what) {
    return string(node, field).orElseThrow(() -> new ImageFormatException(what
        + " has no string field '" + field + "'"));
  }

  /** A list of strings (null or missing: empty). */
  public static List<String> strings(JsonNode node, String field, String what) {
    JsonNode v = node == null ? null : node.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new ImageFormatException(what + ": '" + field + "' is not a list");
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new ImageFormatException(what + ": '" + field + "' holds a non-string");
      }
      out.add(e.asText());
    }
    return out;
  }

  /** An RFC 3339 time; Go's zero time and unparsable values count as absent. */
  public static Optional<Instant> time(JsonNode node, String field) {
    Optional<String> s = string(node, field);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant t = OffsetDateTime.parse(s.get()).toInstant();
      return t.getEpochSecond() <= -62135596800L ? Optional.empty() : Optional.of(t);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  public static ArrayNode stringArray(List<String> values) {
    ArrayNode a = array();
    values.forEach(a::add);
    return a;
  }
}

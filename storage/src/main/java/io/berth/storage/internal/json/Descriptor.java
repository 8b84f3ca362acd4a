package io.berth.storage.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.storage.ImageFormatException;
import io.berth.storage.internal.stream.Digests;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI content descriptor: what a manifest or index says about a blob.
 *
 * @param platform {@code os/architecture} when the descriptor names one
 */
public record Descriptor(String mediaType, String digest, long size,
    Map<String, String> annotations, Optional<String> platform) {

  public Descriptor {
    annotations = Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, String digest, long size) {
    return new Descriptor(mediaType, digest, size, Map.of(), Optional.empty());
  }

  /** Reads and checks a descriptor; {@code what} names it in errors. */
  public static Descriptor parse(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw new ImageFormatException(what + " is not a descriptor object");
    }
    String mediaType = Json.string(node, "mediaType").orElse("");
    String digest = Digests.require(Json.requireString(node, "digest", what), what);
    JsonNode size = node.get("size");
    if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw new ImageFormatException(what + " has no valid size");
    }
    if (node.has("urls") && node.get("urls").size() > 0) {
      throw new ImageFormatException(what + " is a foreign layer to be fetched from "
          + node.get("urls") + "; Berth never fetches content while loading an archive");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode a = node.get("annotations");
    if (a != null && a.isObject()) {
      a.fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    }
    JsonNode p = node.get("platform");
    Optional<String> platform = p != null && p.isObject()
        ? Optional.of(p.path("os").asText("") + "/" + p.path("architecture").asText(""))
        : Optional.empty();
    return new Descriptor(mediaType, digest, size.asLong(), annotations, platform);
  }

  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("mediaType", mediaType);
    n.put("digest", digest);
    n.put("size", size);
    if (!annotations.isEmpty()) {
      ObjectNode a = Json.object();
      annotations.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> a.put(e.getKey(), e.getValue()));
      n.set("annotations", a);
    }
    return n;
  }
}

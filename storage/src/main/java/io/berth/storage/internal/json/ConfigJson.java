package io.berth.storage.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.storage.ImageConfig;
import io.berth.storage.ImageFormatException;
import io.berth.storage.ImageHistory;
import io.berth.storage.internal.stream.Digests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** OCI (and Docker) image configs: reading them into {@link ImageConfig} and writing them. */
public final class ConfigJson {
  private ConfigJson() {}

  /**
   * Reads a config.
   *
   * @throws ImageFormatException if it is not a usable image config
   */
  public static ImageConfig parse(byte[] data, String what) {
    return parse(data, what, Integer.MAX_VALUE);
  }

  /**
   * Reads a config from an archive, nested at most {@code maxDepth} levels.
   *
   * @throws ImageFormatException if it is not a usable image config
   */
  public static ImageConfig parse(byte[] data, String what, int maxDepth) {
    ObjectNode root = Json.parseObject(data, what, maxDepth);
    JsonNode c = root.get("config");
    if (c != null && !c.isNull() && !c.isObject()) {
      throw new ImageFormatException(what + ": 'config' is not an object");
    }
    ImageConfig.Builder b = ImageConfig.builder();
    List<String> env = Json.strings(c, "Env", what);
    b.env(env.stream().filter(e -> !e.isEmpty() && e.charAt(0) != '=').toList());
    b.entrypoint(Json.strings(c, "Entrypoint", what));
    b.cmd(Json.strings(c, "Cmd", what));
    Json.string(c, "WorkingDir").filter(s -> !s.isEmpty()).ifPresent(b::workingDir);
    Json.string(c, "User").filter(s -> !s.isEmpty()).ifPresent(b::user);
    b.exposedPorts(keys(c, "ExposedPorts"));
    b.volumes(keys(c, "Volumes"));
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode l = c == null ? null : c.get("Labels");
    if (l != null && l.isObject()) {
      l.fields().forEachRemaining(e -> {
        if (!e.getKey().isEmpty()) {
          labels.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
              : e.getValue().toString());
        }
      });
    }
    b.labels(labels);
    Json.string(c, "StopSignal").filter(s -> !s.isEmpty()).ifPresent(b::stopSignal);
    Json.string(root, "author").filter(s -> !s.isEmpty()).ifPresent(b::author);
    Json.time(root, "created").ifPresent(b::created);
    b.os(Json.string(root, "os").filter(s -> !s.isEmpty()).orElse("linux"));
    b.architecture(Json.string(root, "architecture").filter(s -> !s.isEmpty())
        .orElse("unknown"));
    JsonNode rootfs = root.get("rootfs");
    List<String> diffIds = Json.strings(rootfs, "diff_ids", what);
    for (String d : diffIds) {
      Digests.require(d, what + " rootfs.diff_ids");
    }
    b.diffIds(diffIds);
    List<ImageHistory> history = new ArrayList<>();
    JsonNode h = root.get("history");
    if (h != null && h.isArray()) {
      for (JsonNode e : h) {
        history.add(new ImageHistory(Json.time(e, "created"), Json.string(e, "created_by"),
            Json.string(e, "author"), Json.string(e, "comment"),
            e.path("empty_layer").asBoolean(false)));
      }
    }
    b.history(history);
    return b.build();
  }

  private static Set<String> keys(JsonNode c, String field) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode v = c == null ? null : c.get(field);
    if (v != null && v.isObject()) {
      v.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  /**
   * Writes {@code config} as an OCI image config. Starting from {@code base} (the parent
   * image's config JSON, if any) keeps fields Berth does not model, like Healthcheck or Shell.
   */
  public static byte[] write(Optional<byte[]> base, ImageConfig config) {
    ObjectNode root = base.map(b -> Json.parseObject(b, "base image config"))
        .orElseGet(Json::object);
    ObjectNode out = Json.object();
    config.created().ifPresent(t -> out.put("created", t.toString()));
    config.author().ifPresent(a -> out.put("author", a));
    out.put("architecture", config.architecture());
    out.put("os", config.os());
    // Keep unknown top-level fields (variant, os.version, ...) after the known ones.
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!List.of("created", "author", "architecture", "os", "config", "rootfs", "history",
          "container_config", "container", "docker_version", "id", "parent")
          .contains(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    }
    ObjectNode c = root.get("config") instanceof ObjectNode
        ? ((ObjectNode) root.get("config")).deepCopy() : Json.object();
    setList(c, "Env", config.env());
    setList(c, "Entrypoint", config.entrypoint());
    setList(c, "Cmd", config.cmd());
    setText(c, "WorkingDir", config.workingDir());
    setText(c, "User", config.user());
    setKeys(c, "ExposedPorts", config.exposedPorts());
    setKeys(c, "Volumes", config.volumes());
    if (config.labels().isEmpty()) {
      c.remove("Labels");
    } else {
      ObjectNode labels = Json.object();
      config.labels().forEach(labels::put);
      c.set("Labels", labels);
    }
    setText(c, "StopSignal", config.stopSignal());
    out.set("config", c);
    ObjectNode rootfs = Json.object();
    rootfs.put("type", "layers");
    rootfs.set("diff_ids", Json.stringArray(config.diffIds()));
    out.set("rootfs", rootfs);
    ArrayNode history = Json.array();
    for (ImageHistory h : config.history()) {
      ObjectNode e = Json.object();
      h.created().ifPresent(t -> e.put("created", t.toString()));
      h.createdBy().ifPresent(s -> e.put("created_by", s));
      h.author().ifPresent(s -> e.put("author", s));
      h.comment().ifPresent(s -> e.put("comment", s));
      if (h.emptyLayer()) {
        e.put("empty_layer", true);
      }
      history.add(e);
    }
    out.set("history", history);
    return Json.bytes(out);
  }

  private static void setList(ObjectNode c, String field, List<String> values) {
    if (values.isEmpty()) {
      c.remove(field);
    } else {
      c.set(field, Json.stringArray(values));
    }
  }

  private static void setText(ObjectNode c, String field, Optional<String> value) {
    if (value.isPresent()) {
      c.put(field, value.get());
    } else {
      c.remove(field);
    }
  }

  private static void setKeys(ObjectNode c, String field, Set<String> keys) {
    if (keys.isEmpty()) {
      c.remove(field);
    } else {
      ObjectNode o = Json.object();
      keys.forEach(k -> o.set(k, Json.object()));
      c.set(field, o);
    }
  }

  /** A history entry for a layer made now. */
  public static ImageHistory historyEntry(Instant created, String createdBy,
      Optional<String> author, Optional<String> comment) {
    return new ImageHistory(Optional.of(created), Optional.of(createdBy), author, comment, false);
  }
}

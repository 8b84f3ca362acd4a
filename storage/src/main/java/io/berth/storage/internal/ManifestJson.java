package io.berth.storage.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.storage.ImageFormatException;
import io.berth.storage.internal.json.Descriptor;
import io.berth.storage.internal.json.Json;
import io.berth.storage.internal.json.MediaTypes;
import io.berth.storage.internal.stream.Compression;
import java.util.ArrayList;
import java.util.List;

/** Image manifests: the ones Berth writes (always OCI) and the ones it reads (OCI, Docker). */
final class ManifestJson {
  private ManifestJson() {}

  /** A parsed manifest: its config and layer descriptors, bottom layer first. */
  record Manifest(String mediaType, Descriptor config, List<Descriptor> layers) {}

  static Manifest parse(byte[] data, String what) {
    return parse(data, what, Integer.MAX_VALUE);
  }

  /** Parses a manifest from an archive, nested at most {@code maxDepth} levels. */
  static Manifest parse(byte[] data, String what, int maxDepth) {
    ObjectNode m = Json.parseObject(data, what, maxDepth);
    if (m.has("manifests")) {
      throw new ImageFormatException(what + " has both a manifest's and an index's fields"
          + " ('manifests'); it is ambiguous");
    }
    int version = m.path("schemaVersion").asInt(-1);
    if (version != 2) {
      throw new ImageFormatException(what + " has schemaVersion " + m.get("schemaVersion")
          + "; Berth reads schema 2 manifests only");
    }
    String mediaType = Json.string(m, "mediaType").orElse(MediaTypes.OCI_MANIFEST);
    if (!MediaTypes.MANIFESTS.contains(mediaType)) {
      throw new ImageFormatException(what + " has media type " + mediaType
          + ", which is not an image manifest");
    }
    Descriptor config = Descriptor.parse(m.get("config"), what + " config");
    JsonNode layers = m.get("layers");
    if (layers == null || !layers.isArray()) {
      throw new ImageFormatException(what + " has no 'layers' list");
    }
    List<Descriptor> out = new ArrayList<>();
    int i = 0;
    for (JsonNode l : layers) {
      out.add(Descriptor.parse(l, what + " layer " + (++i)));
    }
    return new Manifest(mediaType, config, out);
  }

  /** The compression a layer media type promises. */
  static Compression compressionOf(String mediaType, String what) {
    if (MediaTypes.GZIP_LAYERS.contains(mediaType)) {
      return Compression.GZIP;
    }
    if (MediaTypes.ZSTD_LAYERS.contains(mediaType)) {
      return Compression.ZSTD;
    }
    if (MediaTypes.PLAIN_LAYERS.contains(mediaType)) {
      return Compression.NONE;
    }
    throw new ImageFormatException(what + " has media type '" + mediaType
        + "', which is not a layer type Berth reads (OCI or Docker tar, tar+gzip, tar+zstd)");
  }

  /** An OCI manifest for a config and layers; Docker layer types become their OCI twins. */
  static byte[] oci(Descriptor config, List<Descriptor> layers) {
    ObjectNode m = Json.object();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.set("config", Descriptor.of(MediaTypes.OCI_CONFIG, config.digest(), config.size())
        .toJson());
    ArrayNode l = Json.array();
    for (Descriptor d : layers) {
      String type = d.mediaType();
      if (type.startsWith("application/vnd.docker.")) {
        type = compressionOf(type, "layer " + d.digest()).ociLayerMediaType();
      }
      l.add(new Descriptor(type, d.digest(), d.size(), d.annotations(), d.platform()).toJson());
    }
    m.set("layers", l);
    return Json.bytes(m);
  }
}

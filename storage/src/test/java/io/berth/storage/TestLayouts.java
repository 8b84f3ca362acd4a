package io.berth.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Writes minimal OCI image layouts from raw layer tars, to feed crafted layers to a store. */
final class TestLayouts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestLayouts() {}

  static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String blob(Path dir, byte[] data) throws IOException {
    String digest = sha256(data);
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.write(blobs.resolve(digest.substring(7)), data);
    return digest;
  }

  /** A layout with one image of uncompressed layers, tagged {@code ref}. */
  static Path write(Path dir, String ref, List<byte[]> layers) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config").putArray("Cmd").add("sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode layerList = JSON.createArrayNode();
    for (byte[] layer : layers) {
      String digest = blob(dir, layer);
      diffIds.add(digest);
      ObjectNode d = layerList.addObject();
      d.put("mediaType", "application/vnd.oci.image.layer.v1.tar");
      d.put("digest", digest);
      d.put("size", layer.length);
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    ObjectNode c = manifest.putObject("config");
    c.put("mediaType", "application/vnd.oci.image.config.v1+json");
    c.put("digest", blob(dir, configBytes));
    c.put("size", configBytes.length);
    manifest.set("layers", layerList);
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode m = index.putArray("manifests").addObject();
    m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    m.put("digest", blob(dir, manifestBytes));
    m.put("size", manifestBytes.length);
    m.putObject("annotations").put("org.opencontainers.image.ref.name", ref);
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    return dir;
  }

  static String text(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }
}

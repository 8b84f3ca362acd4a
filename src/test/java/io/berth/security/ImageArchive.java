package io.berth.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One image as an OCI layout, an oci-archive or a docker-archive, built from layer tars, with
 * hooks to tamper with every piece: the config, the manifest, the index, the archive members.
 * Edits happen in order: the config is fixed once the manifest is first asked for, and the
 * manifest once the index is. Not thread-safe.
 */
final class ImageArchive {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String TAR = "application/vnd.oci.image.layer.v1.tar";
  static final String TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** A layer blob: its bytes, media type and diff id (digest of the uncompressed tar). */
  record Layer(byte[] blob, String mediaType, String diffId) {
    static Layer plain(byte[] tar) {
      return new Layer(tar, TAR, sha256(tar));
    }

    static Layer gzip(byte[] tar) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (GZIPOutputStream g = new GZIPOutputStream(b)) {
        g.write(tar);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Layer(b.toByteArray(), TAR_GZIP, sha256(tar));
    }
  }

  /** An archive member: file content, or a symlink or hard link to another member. */
  record Member(byte[] data, String linkTarget, boolean hardLink) {
    static Member file(byte[] data) {
      return new Member(data, null, false);
    }

    static Member symlink(String target) {
      return new Member(null, target, false);
    }

    static Member hardLink(String target) {
      return new Member(null, target, true);
    }
  }

  private final List<Layer> layers;
  private final String reference;
  private final ObjectNode config = JSON.createObjectNode();
  private final Map<String, byte[]> extraBlobs = new LinkedHashMap<>();
  private ObjectNode manifest;
  private ObjectNode index;

  private ImageArchive(String reference, List<Layer> layers) {
    this.reference = reference;
    this.layers = List.copyOf(layers);
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.putObject("config").putArray("Cmd").add("sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.diffId()));
  }

  /** An image named {@code reference} (like {@code localhost/x:1}) of these layers. */
  static ImageArchive of(String reference, Layer... layers) {
    return new ImageArchive(reference, List.of(layers));
  }

  static ImageArchive ofTars(String reference, byte[]... tars) {
    List<Layer> l = new ArrayList<>();
    for (byte[] t : tars) {
      l.add(Layer.plain(t));
    }
    return new ImageArchive(reference, l);
  }

  static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] json(Object node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ImageArchive editConfig(Consumer<ObjectNode> edit) {
    if (manifest != null) {
      throw new IllegalStateException("edit the config before the manifest");
    }
    edit.accept(config);
    return this;
  }

  ImageArchive editManifest(Consumer<ObjectNode> edit) {
    if (index != null) {
      throw new IllegalStateException("edit the manifest before the index");
    }
    edit.accept(manifest());
    return this;
  }

  ImageArchive editIndex(Consumer<ObjectNode> edit) {
    edit.accept(index());
    return this;
  }

  /** Adds a blob the manifest does not name (for edits that point at it). */
  ImageArchive extraBlob(byte[] data) {
    extraBlobs.put(sha256(data), data);
    return this;
  }

  /** The digest of layer {@code i}'s blob, {@code sha256:...}. */
  String layerDigest(int i) {
    return sha256(layers.get(i).blob());
  }

  byte[] configBytes() {
    return json(config);
  }

  private ObjectNode manifest() {
    if (manifest == null) {
      manifest = JSON.createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", OCI_MANIFEST);
      byte[] c = configBytes();
      ObjectNode cd = manifest.putObject("config");
      cd.put("mediaType", "application/vnd.oci.image.config.v1+json");
      cd.put("digest", sha256(c));
      cd.put("size", c.length);
      ArrayNode l = manifest.putArray("layers");
      for (Layer layer : layers) {
        ObjectNode d = l.addObject();
        d.put("mediaType", layer.mediaType());
        d.put("digest", sha256(layer.blob()));
        d.put("size", layer.blob().length);
      }
    }
    return manifest;
  }

  private ObjectNode index() {
    if (index == null) {
      byte[] m = json(manifest());
      index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      ObjectNode d = index.putArray("manifests").addObject();
      d.put("mediaType", OCI_MANIFEST);
      d.put("digest", sha256(m));
      d.put("size", m.length);
      d.putObject("annotations").put("org.opencontainers.image.ref.name", reference);
    }
    return index;
  }

  /** The members of an OCI layout or oci-archive, by path; callers may change the map. */
  Map<String, Member> ociMembers() {
    Map<String, Member> m = new LinkedHashMap<>();
    m.put("oci-layout", Member.file("{\"imageLayoutVersion\":\"1.0.0\"}".getBytes()));
    byte[] manifestBytes = json(manifest());
    m.put("index.json", Member.file(json(index())));
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    blobs.put(sha256(configBytes()), configBytes());
    blobs.put(sha256(manifestBytes), manifestBytes);
    layers.forEach(l -> blobs.put(sha256(l.blob()), l.blob()));
    blobs.putAll(extraBlobs);
    blobs.forEach((digest, data) -> m.put("blobs/sha256/" + digest.substring(7),
        Member.file(data)));
    return m;
  }

  /**
   * The members of a docker-archive: {@code manifest.json}, the config as
   * {@code <hex>.json}, and each layer as {@code <diff id hex>/layer.tar}.
   */
  Map<String, Member> dockerMembers() {
    byte[] c = configBytes();
    String configName = sha256(c).substring(7) + ".json";
    ArrayNode manifestJson = JSON.createArrayNode();
    ObjectNode entry = manifestJson.addObject();
    entry.put("Config", configName);
    entry.putArray("RepoTags").add(reference);
    ArrayNode paths = entry.putArray("Layers");
    Map<String, Member> m = new LinkedHashMap<>();
    m.put("manifest.json", null);
    m.put(configName, Member.file(c));
    for (Layer l : layers) {
      String path = l.diffId().substring(7) + "/layer.tar";
      paths.add(path);
      m.put(path, Member.file(l.blob()));
    }
    m.put("manifest.json", Member.file(json(manifestJson)));
    return m;
  }

  Path writeLayout(Path dir) throws IOException {
    return writeDirectory(ociMembers(), dir);
  }

  Path writeOciArchive(Path file) throws IOException {
    return writeTar(ociMembers(), file);
  }

  Path writeDockerArchive(Path file) throws IOException {
    return writeTar(dockerMembers(), file);
  }

  static Path writeDirectory(Map<String, Member> members, Path dir) throws IOException {
    for (Map.Entry<String, Member> e : members.entrySet()) {
      Path p = dir.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Member m = e.getValue();
      if (m.data() != null) {
        Files.write(p, m.data());
      } else if (m.hardLink()) {
        Files.createLink(p, dir.resolve(m.linkTarget()));
      } else {
        Files.createSymbolicLink(p, Path.of(m.linkTarget()));
      }
    }
    return dir;
  }

  static Path writeTar(Map<String, Member> members, Path file) throws IOException {
    Tar t = Tar.empty();
    members.forEach((name, m) -> {
      if (m.data() != null) {
        t.entry(name, TarConstants.LF_NORMAL, m.data(), e -> e.setMode(0644));
      } else if (m.hardLink()) {
        t.hardlink(name, m.linkTarget());
      } else {
        t.symlink(name, m.linkTarget());
      }
    });
    return t.write(file);
  }
}

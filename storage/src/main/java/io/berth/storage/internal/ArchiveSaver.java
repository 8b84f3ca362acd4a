package io.berth.storage.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.storage.ArchiveFormat;
import io.berth.storage.CorruptStoreException;
import io.berth.storage.ImageFormatException;
import io.berth.storage.InvalidReferenceException;
import io.berth.storage.NoSuchImageException;
import io.berth.storage.internal.json.Descriptor;
import io.berth.storage.internal.json.Json;
import io.berth.storage.internal.json.MediaTypes;
import io.berth.storage.internal.stream.Compression;
import io.berth.storage.internal.stream.DigestingInputStream;
import io.berth.storage.internal.stream.Digests;
import io.berth.storage.internal.tar.TarEntry;
import io.berth.storage.internal.tar.TarWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Writes images as a docker-archive, an oci-archive or an OCI layout directory, in the shapes
 * podman writes and reads. OCI output keeps each image's manifest and blobs byte for byte (so
 * digests stay); docker-archive layers are uncompressed tars named by diff id, decompressed
 * on the fly and checked against the diff id. Archives are written to a temp file next to the
 * target and renamed into place; archive entries are sorted, owned by 0:0, dated 1970.
 */
final class ArchiveSaver {
  private static final String REF_NAME = "org.opencontainers.image.ref.name";

  private final DefaultStore store;

  ArchiveSaver(DefaultStore store) {
    this.store = store;
  }

  /** One image to save, with the names it is saved under. */
  private record Selected(Metadata.ImageRecord image, List<String> names,
      ManifestJson.Manifest manifest, byte[] manifestJson, String manifestDigest) {}

  void save(List<String> namesOrIds, Path target, ArchiveFormat format) throws IOException {
    Map<String, Selected> selected = select(namesOrIds);
    switch (format) {
      case OCI_LAYOUT:
        writeLayout(selected, target);
        break;
      case OCI_ARCHIVE:
        writeArchive(target, tar -> writeOciArchive(selected, tar));
        break;
      case DOCKER_ARCHIVE:
        writeArchive(target, tar -> writeDockerArchive(selected, tar));
        break;
      default:
        throw new IllegalArgumentException("unknown format " + format);
    }
  }

  private Map<String, Selected> select(List<String> namesOrIds) {
    Map<String, List<String>> names = new LinkedHashMap<>();
    for (String nameOrId : namesOrIds) {
      String id = store.findImageId(nameOrId).orElseThrow(() -> new NoSuchImageException(nameOrId));
      List<String> list = names.computeIfAbsent(id, k -> new ArrayList<>());
      Metadata.ImageRecord image = store.metadata().image(id).orElseThrow();
      nameAsGiven(nameOrId, image).filter(n -> !list.contains(n)).ifPresent(list::add);
    }
    Map<String, Selected> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : names.entrySet()) {
      Metadata.ImageRecord image = store.metadata().image(e.getKey()).orElseThrow();
      String digest = image.manifestDigest().orElseThrow(() -> new CorruptStoreException(
          "image " + image.id() + " has no manifest; remove it and load it again"));
      byte[] json = store.blobs().read(digest);
      out.put(image.id(), new Selected(image, e.getValue(),
          ManifestJson.parse(json, "manifest of image " + image.id()), json, digest));
    }
    return out;
  }

  /** The image's own name that {@code nameOrId} spells, if it is a name and not an id. */
  private static Optional<String> nameAsGiven(String nameOrId, Metadata.ImageRecord image) {
    try {
      String normalised = ImageReference.parse(nameOrId).toString();
      if (image.names().contains(normalised)) {
        return Optional.of(normalised);
      }
      if (!ImageReference.hasExplicitDomain(nameOrId)) {
        String local = ImageReference.parse("localhost/" + nameOrId).toString();
        if (image.names().contains(local)) {
          return Optional.of(local);
        }
      }
    } catch (InvalidReferenceException e) {
      // an id
    }
    return Optional.empty();
  }

  // ---- OCI ----

  private static byte[] layoutFile() {
    ObjectNode o = Json.object();
    o.put("imageLayoutVersion", "1.0.0");
    return Json.bytes(o);
  }

  private static List<Descriptor> indexEntries(Map<String, Selected> selected) {
    List<Descriptor> out = new ArrayList<>();
    for (Selected s : selected.values()) {
      String type = s.manifest().mediaType();
      if (s.names().isEmpty()) {
        out.add(Descriptor.of(type, s.manifestDigest(), s.manifestJson().length));
      }
      for (String name : s.names()) {
        out.add(new Descriptor(type, s.manifestDigest(), s.manifestJson().length,
            Map.of(REF_NAME, name), Optional.empty()));
      }
    }
    return out;
  }

  private static byte[] index(List<JsonNode> entries) {
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = Json.array();
    entries.forEach(manifests::add);
    index.set("manifests", manifests);
    return Json.bytes(index);
  }

  /** Every blob of the selected images, by digest, sorted. */
  private static TreeMap<String, Boolean> blobsOf(Map<String, Selected> selected) {
    TreeMap<String, Boolean> digests = new TreeMap<>();
    for (Selected s : selected.values()) {
      digests.put(s.manifestDigest(), true);
      digests.put(s.manifest().config().digest(), true);
      s.manifest().layers().forEach(l -> digests.put(l.digest(), true));
    }
    return digests;
  }

  private void writeLayout(Map<String, Selected> selected, Path dir) throws IOException {
    Path blobDir = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    for (String digest : blobsOf(selected).keySet()) {
      Path target = blobDir.resolve(Digests.hexOf(digest));
      if (Files.exists(target) && Files.size(target) == store.blobs().size(digest)) {
        continue;
      }
      Path temp = Files.createTempFile(blobDir, ".blob-", ".tmp");
      try {
        try (InputStream in = store.blobs().open(digest)) {
          Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    replace(dir.resolve("oci-layout"), layoutFile());
    // Keep what the layout already lists, except entries whose names we now write.
    List<JsonNode> entries = new ArrayList<>();
    List<Descriptor> ours = indexEntries(selected);
    Path indexFile = dir.resolve("index.json");
    if (Files.exists(indexFile)) {
      ObjectNode old = Json.parseObject(Files.readAllBytes(indexFile), indexFile.toString());
      JsonNode list = old.get("manifests");
      if (list != null && list.isArray()) {
        for (JsonNode e : list) {
          String ref = e.path("annotations").path(REF_NAME).asText(null);
          boolean replaced = ours.stream().anyMatch(d -> ref != null
              && ref.equals(d.annotations().get(REF_NAME)) || ref == null
              && d.digest().equals(e.path("digest").asText()) && d.annotations().isEmpty());
          if (!replaced) {
            entries.add(e);
          }
        }
      }
    }
    ours.forEach(d -> entries.add(d.toJson()));
    replace(indexFile, index(entries));
  }

  private static void replace(Path file, byte[] content) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void writeOciArchive(Map<String, Selected> selected, TarWriter tar) throws IOException {
    directory(tar, "blobs");
    directory(tar, "blobs/sha256");
    for (String digest : blobsOf(selected).keySet()) {
      long size = store.blobs().size(digest);
      try (InputStream in = store.blobs().open(digest)) {
        file(tar, "blobs/sha256/" + Digests.hexOf(digest), size, in);
      }
    }
    List<JsonNode> entries = new ArrayList<>();
    indexEntries(selected).forEach(d -> entries.add(d.toJson()));
    bytes(tar, "index.json", index(entries));
    bytes(tar, "oci-layout", layoutFile());
  }

  // ---- docker-archive ----

  private void writeDockerArchive(Map<String, Selected> selected, TarWriter tar)
      throws IOException {
    ArrayNode manifest = Json.array();
    Map<String, Boolean> written = new LinkedHashMap<>();
    for (Selected s : selected.values()) {
      String configDigest = s.manifest().config().digest();
      String configName = Digests.hexOf(configDigest) + ".json";
      if (written.putIfAbsent(configName, true) == null) {
        bytes(tar, configName, store.blobs().read(configDigest));
      }
      ArrayNode layers = Json.array();
      for (int i = 0; i < s.image().layerIds().size(); i++) {
        Metadata.LayerRecord layer = store.metadata().layer(s.image().layerIds().get(i))
            .orElseThrow(() -> new CorruptStoreException("image " + s.image().id()
                + " names a layer the store does not have"));
        String name = Digests.hexOf(layer.diffId()) + ".tar";
        layers.add(name);
        if (written.putIfAbsent(name, true) == null) {
          writeUncompressedLayer(tar, name, layer, s.manifest().layers().get(i).digest());
        }
      }
      ObjectNode entry = Json.object();
      entry.put("Config", configName);
      entry.set("RepoTags", Json.stringArray(s.names().stream()
          .filter(n -> !n.contains("@")).toList()));
      entry.set("Layers", layers);
      manifest.add(entry);
    }
    bytes(tar, "manifest.json", Json.bytes(manifest));
  }

  /**
   * Docker archives carry plain tars: a plain blob goes as it is (the blob store checks its
   * digest, which is the diff id); a compressed one is decompressed and its diff id checked.
   */
  private void writeUncompressedLayer(TarWriter tar, String name, Metadata.LayerRecord layer,
      String blobDigest) throws IOException {
    try (InputStream raw = new BufferedInputStream(store.blobs().open(blobDigest), 1 << 17)) {
      Compression c = Compression.detect(raw);
      if (c == Compression.NONE && blobDigest.equals(layer.diffId())) {
        file(tar, name, layer.size(), raw);
        if (raw.read() >= 0) {
          throw new CorruptStoreException("blob " + blobDigest + " is longer than layer "
              + layer.id() + " records (" + layer.size() + " bytes); remove and reload the"
              + " image");
        }
        return;
      }
      DigestingInputStream plain = new DigestingInputStream(c.decompress(raw, store.limits()));
      file(tar, name, layer.size(), plain);
      if (plain.read() >= 0 || !plain.digest().equals(layer.diffId())) {
        throw new CorruptStoreException("blob " + blobDigest + " no longer matches layer "
            + layer.id() + " (diff id " + layer.diffId() + "); remove and reload the image");
      }
    }
  }

  // ---- tar plumbing ----

  private interface TarContent {
    void write(TarWriter tar) throws IOException;
  }

  private static void writeArchive(Path target, TarContent content) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
        TarWriter tar = new TarWriter(out);
        content.write(tar);
        tar.finish();
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void directory(TarWriter tar, String name) throws IOException {
    tar.putEntry(new TarEntry(name, TarEntry.Type.DIRECTORY).mode(0755).mtime(0, 0));
  }

  private static void bytes(TarWriter tar, String name, byte[] content) throws IOException {
    tar.putEntry(new TarEntry(name, TarEntry.Type.FILE).mode(0644).mtime(0, 0)
        .size(content.length));
    tar.write(content, 0, content.length);
  }

  private static void file(TarWriter tar, String name, long size, InputStream in)
      throws IOException {
    tar.putEntry(new TarEntry(name, TarEntry.Type.FILE).mode(0644).mtime(0, 0).size(size));
    try {
      tar.copyFrom(in, new byte[1 << 17]);
    } catch (IOException e) {
      throw new ImageFormatException("blob for " + name + " is shorter than recorded ("
          + e.getMessage() + ")", e);
    }
  }
}

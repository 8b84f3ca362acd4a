package io.berth.storage.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.storage.ImageConfig;
import io.berth.storage.ImageFormatException;
import io.berth.storage.InvalidReferenceException;
import io.berth.storage.StorageException;
import io.berth.storage.internal.json.ConfigJson;
import io.berth.storage.internal.json.Descriptor;
import io.berth.storage.internal.json.Json;
import io.berth.storage.internal.json.MediaTypes;
import io.berth.storage.internal.stream.Compression;
import io.berth.storage.internal.stream.Digests;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads docker-archives, oci-archives and OCI layout directories, told apart by their
 * content: a directory is a layout; a tar (optionally gzip or zstd compressed) with
 * {@code oci-layout} and {@code index.json} is an oci-archive, one with {@code manifest.json}
 * a docker-archive. Every blob is checked against its digest and size, every layer against its
 * diff id, before any record is written; the whole load is one transaction.
 *
 * <p>Names: a docker-archive's {@code RepoTags} are normalised like Docker does
 * ({@code busybox:1} is {@code docker.io/library/busybox:1}). In an OCI index, the
 * {@code io.containerd.image.name} annotation wins; otherwise an
 * {@code org.opencontainers.image.ref.name} that is a full reference is used, with
 * {@code localhost/} in front when it names no registry (as podman does); a bare tag like
 * {@code latest} names no repository, and that image loads untagged.
 */
final class ArchiveLoader {
  private static final int MAX_INDEX_DEPTH = 4;

  private final DefaultStore store;
  private final Staging staging;

  ArchiveLoader(DefaultStore store, Staging staging) {
    this.store = store;
    this.staging = staging;
  }

  List<io.berth.storage.Image> load(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      if (!Files.exists(path.resolve("oci-layout"))) {
        throw new ImageFormatException(path + " is a directory but not an OCI image layout"
            + " (it has no oci-layout file)");
      }
      try (ArchiveSource source = new ArchiveSource.Directory(path)) {
        return loadOci(source, path.toString());
      }
    }
    if (!Files.isRegularFile(path)) {
      throw new StorageException("cannot load " + path + ": no such file or directory");
    }
    Path tar = decompressed(path);
    try (ArchiveSource.Tar source = new ArchiveSource.Tar(tar, store.limits(), false)) {
      // Told apart by the names alone: a link where a file should be is then refused with
      // a message that says so, not taken for another format.
      if (source.hasMember("oci-layout") && source.hasMember("index.json")) {
        return loadOci(source, path.toString());
      }
      if (source.hasMember("manifest.json")) {
        return loadDocker(source.withLinks(true), path.toString());
      }
      throw new ImageFormatException(path + " is neither a docker-archive (no manifest.json)"
          + " nor an oci-archive (no oci-layout and index.json)");
    }
  }

  /**
   * A compressed archive is first decompressed to a temp file, which can then be indexed; at
   * most {@link io.berth.storage.ArchiveLimits#maxArchiveSize()} bytes of it.
   */
  private Path decompressed(Path path) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      Compression c = Compression.detect(raw);
      if (c == Compression.NONE) {
        return path;
      }
      long max = store.limits().maxArchiveSize();
      Path temp = staging.tempFile("archive");
      try (InputStream in = c.decompress(raw, store.limits());
          OutputStream out = Files.newOutputStream(temp)) {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
          total += n;
          if (total > max) {
            throw new io.berth.storage.ArchiveLimitExceededException(path + " expands to more"
                + " than " + max + " bytes (a decompression bomb, or an archive larger than"
                + " ArchiveLimits.maxArchiveSize; raise the limit if it is genuine)");
          }
          out.write(buf, 0, n);
        }
      } catch (java.util.zip.ZipException | com.github.luben.zstd.ZstdIOException e) {
        throw new ImageFormatException(path + " is not a valid compressed archive: "
            + e.getMessage(), e);
      }
      return temp;
    } catch (NoSuchFileException e) {
      throw new StorageException("cannot load " + path + ": no such file", e);
    }
  }

  // ---- OCI ----

  private List<io.berth.storage.Image> loadOci(ArchiveSource source, String where)
      throws IOException {
    int max = store.limits().maxMetadataSize();
    int depth = store.limits().maxJsonDepth();
    ObjectNode layout = Json.parseObject(source.read("oci-layout", where + " oci-layout", max),
        where + " oci-layout", depth);
    if (Json.string(layout, "imageLayoutVersion").isEmpty()) {
      throw new ImageFormatException(where + ": oci-layout has no imageLayoutVersion");
    }
    ObjectNode index = Json.parseObject(source.read("index.json", where + " index.json", max),
        where + " index.json", depth);
    Map<String, Descriptor> manifests = new LinkedHashMap<>();
    Map<String, Set<String>> names = new LinkedHashMap<>();
    for (Descriptor d : indexEntries(index, where + " index.json")) {
      Descriptor m = resolveManifest(source, d, where, 0);
      manifests.putIfAbsent(m.digest(), m);
      Set<String> n = names.computeIfAbsent(m.digest(), k -> new LinkedHashSet<>());
      ociName(d).ifPresent(n::add);
    }
    if (manifests.isEmpty()) {
      throw new ImageFormatException(where + " holds no image (index.json lists no manifest)");
    }
    List<ImageRecorder.PendingImage> pending = new ArrayList<>();
    for (Descriptor m : manifests.values()) {
      pending.add(loadOciImage(source, m, new ArrayList<>(names.get(m.digest())), where));
    }
    return store.imagesById(store.recorder().commit(staging, pending));
  }

  private static List<Descriptor> indexEntries(ObjectNode index, String what) {
    if (index.has("layers") || index.has("config")) {
      throw new ImageFormatException(what + " has both an index's and a manifest's fields;"
          + " it is ambiguous");
    }
    JsonNode list = index.get("manifests");
    if (list == null || !list.isArray()) {
      throw new ImageFormatException(what + " has no 'manifests' list");
    }
    List<Descriptor> out = new ArrayList<>();
    int i = 0;
    for (JsonNode d : list) {
      out.add(Descriptor.parse(d, what + " entry " + (++i)));
    }
    return out;
  }

  /** Follows nested indexes down to this platform's manifest. */
  private Descriptor resolveManifest(ArchiveSource source, Descriptor d, String where,
      int depth) throws IOException {
    if (MediaTypes.MANIFESTS.contains(d.mediaType())) {
      return d;
    }
    if (!MediaTypes.INDEXES.contains(d.mediaType())) {
      throw new ImageFormatException(where + ": index entry " + d.digest() + " has media type '"
          + d.mediaType() + "', which is neither an image manifest nor an index");
    }
    if (depth >= MAX_INDEX_DEPTH) {
      throw new ImageFormatException(where + ": indexes nest deeper than " + MAX_INDEX_DEPTH);
    }
    ObjectNode nested = Json.parseObject(readBlob(source, d, where + " index " + d.digest()),
        where + " index " + d.digest(), store.limits().maxJsonDepth());
    List<Descriptor> entries = indexEntries(nested, where + " index " + d.digest());
    String platform = "linux/" + ImageConfig.builder().build().architecture();
    Descriptor chosen = null;
    for (Descriptor e : entries) {
      if (e.platform().map(platform::equals).orElse(entries.size() == 1)) {
        chosen = e;
        break;
      }
    }
    if (chosen == null) {
      throw new ImageFormatException(where + ": index " + d.digest() + " has no image for "
          + platform);
    }
    return resolveManifest(source, new Descriptor(chosen.mediaType(), chosen.digest(),
        chosen.size(), d.annotations(), chosen.platform()), where, depth + 1);
  }

  private static Optional<String> ociName(Descriptor d) {
    String containerd = d.annotations().get("io.containerd.image.name");
    String ref = containerd != null ? containerd
        : d.annotations().get("org.opencontainers.image.ref.name");
    if (ref == null || ref.isEmpty() || !ref.contains("/") && !ref.contains(":")) {
      return Optional.empty();
    }
    try {
      String full = ImageReference.hasExplicitDomain(ref) || containerd != null ? ref
          : "localhost/" + ref;
      return Optional.of(ImageReference.parse(full).toString());
    } catch (InvalidReferenceException e) {
      throw new ImageFormatException("the archive names an image '" + ref + "', which is not a"
          + " valid reference", e);
    }
  }

  private byte[] readBlob(ArchiveSource source, Descriptor d, String what) throws IOException {
    int max = store.limits().maxMetadataSize();
    if (d.size() > max) {
      throw new io.berth.storage.ArchiveLimitExceededException(what + " is " + d.size()
          + " bytes, more than the limit of " + max + "; raise ArchiveLimits.maxMetadataSize"
          + " if it is genuine");
    }
    byte[] data = source.read(blobPath(d.digest()), what, max);
    if (data.length != d.size()) {
      throw new ImageFormatException(what + " has " + data.length + " bytes but its descriptor"
          + " says " + d.size());
    }
    String actual = Digests.of(data);
    if (!actual.equals(d.digest())) {
      throw new io.berth.storage.DigestMismatchException(what, d.digest(), actual);
    }
    return data;
  }

  private static String blobPath(String digest) {
    return "blobs/sha256/" + Digests.hexOf(digest);
  }

  private ImageRecorder.PendingImage loadOciImage(ArchiveSource source, Descriptor d,
      List<String> names, String where) throws IOException {
    String what = where + " manifest " + d.digest();
    byte[] manifestJson = readBlob(source, d, what);
    int depth = store.limits().maxJsonDepth();
    ManifestJson.Manifest manifest = ManifestJson.parse(manifestJson, what, depth);
    Optional<String> declared = Json.string(Json.parseObject(manifestJson, what, depth),
        "mediaType");
    if (declared.isPresent() && !declared.get().equals(d.mediaType())) {
      throw new ImageFormatException(what + " says it is " + declared.get()
          + " but the index says " + d.mediaType());
    }
    byte[] configJson = readBlob(source, manifest.config(), what + " config");
    ImageConfig config = ConfigJson.parse(configJson, what + " config", depth);
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new ImageFormatException(what + " has " + manifest.layers().size() + " layers but"
          + " its config lists " + config.diffIds().size() + " diff ids");
    }
    List<Metadata.LayerRecord> layers = new ArrayList<>();
    Optional<Metadata.LayerRecord> parent = Optional.empty();
    for (int i = 0; i < manifest.layers().size(); i++) {
      Descriptor l = manifest.layers().get(i);
      String layerWhat = "layer " + (i + 1) + " (" + l.digest() + ") of " + what;
      Compression compression = ManifestJson.compressionOf(l.mediaType(), layerWhat);
      ArchiveSource.Member member = source.open(blobPath(l.digest()), layerWhat);
      LayerIngester.Result r;
      try (InputStream in = member.in()) {
        r = store.ingester().ingest(staging, parent, in, new LayerIngester.Expected(
            Optional.of(l.digest()), Optional.of(l.size()),
            Optional.of(config.diffIds().get(i)), Optional.of(compression)), layerWhat,
            Optional.empty());
      }
      layers.add(r.layer());
      parent = Optional.of(r.layer());
    }
    return store.recorder().prepare(staging, configJson, Optional.of(manifestJson), List.of(),
        manifest.layers(), layers, names);
  }

  // ---- docker-archive ----

  private List<io.berth.storage.Image> loadDocker(ArchiveSource source, String where)
      throws IOException {
    int max = store.limits().maxMetadataSize();
    int depth = store.limits().maxJsonDepth();
    ArrayNode manifest = Json.parseArray(
        source.read("manifest.json", where + " manifest.json", max), where + " manifest.json",
        depth);
    if (manifest.isEmpty()) {
      throw new ImageFormatException(where + ": manifest.json lists no image");
    }
    Map<String, ImageRecorder.PendingImage> pending = new LinkedHashMap<>();
    int n = 0;
    for (JsonNode entry : manifest) {
      String what = where + " image " + (++n);
      if (!entry.isObject()) {
        throw new ImageFormatException(what + ": manifest.json entry is not an object");
      }
      String configPath = ArchiveSource.clean(Json.requireString(entry, "Config", what),
          what + " Config");
      byte[] configJson = source.read(configPath, what + " config", max);
      String id = Digests.hexOf(Digests.of(configJson));
      List<String> names = new ArrayList<>();
      for (String tag : Json.strings(entry, "RepoTags", what)) {
        try {
          names.add(ImageReference.parse(tag).toString());
        } catch (InvalidReferenceException e) {
          throw new ImageFormatException(what + " has tag '" + tag + "', which is not a valid"
              + " reference", e);
        }
      }
      ImageRecorder.PendingImage earlier = pending.get(id);
      if (earlier != null) {
        List<String> merged = new ArrayList<>(earlier.names());
        names.stream().filter(x -> !merged.contains(x)).forEach(merged::add);
        pending.put(id, new ImageRecorder.PendingImage(id, earlier.manifestDigest(),
            earlier.layers(), earlier.blobs(), merged));
        continue;
      }
      ImageConfig config = ConfigJson.parse(configJson, what + " config", depth);
      List<String> layerPaths = Json.strings(entry, "Layers", what);
      if (config.diffIds().size() != layerPaths.size()) {
        throw new ImageFormatException(what + " has " + layerPaths.size() + " layers but its"
            + " config lists " + config.diffIds().size() + " diff ids");
      }
      List<Metadata.LayerRecord> layers = new ArrayList<>();
      List<Descriptor> descriptors = new ArrayList<>();
      Optional<Metadata.LayerRecord> parent = Optional.empty();
      for (int i = 0; i < layerPaths.size(); i++) {
        String layerWhat = "layer " + (i + 1) + " of " + what;
        String path = ArchiveSource.clean(layerPaths.get(i), layerWhat);
        Optional<String> digestFromName = path.startsWith("blobs/sha256/")
            && Digests.isValid("sha256:" + path.substring("blobs/sha256/".length()))
            ? Optional.of("sha256:" + path.substring("blobs/sha256/".length())) : Optional.empty();
        ArchiveSource.Member member = source.open(path, layerWhat);
        LayerIngester.Result r;
        try (InputStream in = member.in()) {
          r = store.ingester().ingest(staging, parent, in, new LayerIngester.Expected(
              digestFromName, Optional.of(member.size()), Optional.of(config.diffIds().get(i)),
              Optional.empty()), layerWhat, Optional.empty());
        }
        layers.add(r.layer());
        descriptors.add(Descriptor.of(r.compression().ociLayerMediaType(), r.blobDigest(),
            r.blobSize()));
        parent = Optional.of(r.layer());
      }
      pending.put(id, store.recorder().prepare(staging, configJson, Optional.empty(), List.of(),
          descriptors, layers, names));
    }
    return store.imagesById(store.recorder().commit(staging, new ArrayList<>(pending.values())));
  }
}

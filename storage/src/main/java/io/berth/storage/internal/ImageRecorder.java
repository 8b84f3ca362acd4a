package io.berth.storage.internal;

import io.berth.storage.CorruptStoreException;
import io.berth.storage.StorageDriver;
import io.berth.storage.internal.json.Descriptor;
import io.berth.storage.internal.json.MediaTypes;
import io.berth.storage.internal.stream.Digests;
import io.berth.storage.internal.sys.Posix;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The last step of every import, load and commit: puts an image's config and manifest blobs
 * in place, makes new layers durable, and records layers, images and names in one
 * transaction. Called under the store lock.
 */
final class ImageRecorder {
  private final StorageDriver driver;
  private final Metadata meta;
  private final BlobStore blobs;

  ImageRecorder(StorageDriver driver, Metadata meta, BlobStore blobs) {
    this.driver = driver;
    this.meta = meta;
    this.blobs = blobs;
  }

  /**
   * Writes the config and an OCI manifest for new layers, records layers, image and name in
   * one transaction, and returns the image.
   */
  String record(Staging staging, byte[] configJson, List<LayerIngester.Result> newLayers,
      Optional<String> name) throws IOException {
    List<Descriptor> layerDescriptors = new ArrayList<>();
    List<Metadata.LayerRecord> layerRecords = new ArrayList<>();
    for (LayerIngester.Result r : newLayers) {
      layerDescriptors.add(Descriptor.of(r.compression().ociLayerMediaType(), r.blobDigest(),
          r.blobSize()));
      layerRecords.add(r.layer());
    }
    return record(staging, configJson, Optional.empty(), List.of(), layerDescriptors,
        layerRecords, name.map(List::of).orElse(List.of()));
  }

  /**
   * Records an image.
   *
   * @param manifest the manifest to keep, or empty to write an OCI manifest of
   *     {@code baseLayers} + {@code layerDescriptors}
   * @param layers every layer of the image, bottom first (known or pending in staging)
   */
  String record(Staging staging, byte[] configJson, Optional<byte[]> manifest,
      List<Descriptor> baseLayers, List<Descriptor> layerDescriptors,
      List<Metadata.LayerRecord> layers, List<String> names) throws IOException {
    PendingImage image = prepare(staging, configJson, manifest, baseLayers, layerDescriptors,
        layers, names);
    return commit(staging, List.of(image)).get(0);
  }

  /** An image whose blobs are in place and whose records are still to be written. */
  record PendingImage(String id, String manifestDigest, List<Metadata.LayerRecord> layers,
      Set<String> blobs, List<String> names) {}

  /** Puts an image's config and manifest blobs in place; records nothing yet. */
  PendingImage prepare(Staging staging, byte[] configJson, Optional<byte[]> manifest,
      List<Descriptor> baseLayers, List<Descriptor> layerDescriptors,
      List<Metadata.LayerRecord> layers, List<String> names) throws IOException {
    String configDigest = Digests.of(configJson);
    String id = Digests.hexOf(configDigest);
    List<Descriptor> all = new ArrayList<>(baseLayers);
    all.addAll(layerDescriptors);
    byte[] manifestJson = manifest.orElseGet(() -> ManifestJson.oci(
        Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, configJson.length), all));
    String manifestDigest = Digests.of(manifestJson);
    staging.putBlob(configJson, configDigest);
    staging.putBlob(manifestJson, manifestDigest);
    Set<String> imageBlobs = new LinkedHashSet<>();
    imageBlobs.add(configDigest);
    imageBlobs.add(manifestDigest);
    all.forEach(d -> imageBlobs.add(d.digest()));
    for (String b : imageBlobs) {
      if (!blobs.has(b)) {
        throw new CorruptStoreException("blob " + b + " of image " + id + " is missing from"
            + " the store");
      }
    }
    return new PendingImage(id, manifestDigest, List.copyOf(layers), imageBlobs,
        List.copyOf(names));
  }

  /** Records layers, images and names in one transaction: all of them, or none. */
  /** @return the ids of the images, in order */
  List<String> commit(Staging staging, List<PendingImage> images) throws IOException {
    syncLayers(staging);
    meta.transaction(() -> {
      for (PendingImage image : images) {
        for (Metadata.LayerRecord l : image.layers()) {
          if (meta.layer(l.id()).isEmpty()) {
            meta.insertLayer(l);
          }
        }
        if (!meta.hasImage(image.id())) {
          meta.insertImage(image.id(), Optional.of(image.manifestDigest()), Instant.now(),
              image.layers().stream().map(Metadata.LayerRecord::id).toList(), image.blobs());
        } else {
          meta.addImageBlobs(image.id(), image.blobs());
        }
        for (String n : image.names()) {
          meta.setName(n, image.id());
        }
      }
      return null;
    });
    staging.committed();
    return images.stream().map(PendingImage::id).toList();
  }

  /** Makes new layers durable before their records are: one syncfs, not one fsync a file. */
  private void syncLayers(Staging staging) throws IOException {
    if (!staging.pendingLayers.isEmpty()) {
      Posix.syncfs(driver.contentDir(staging.pendingLayers.values().iterator().next().id()));
    }
  }
}

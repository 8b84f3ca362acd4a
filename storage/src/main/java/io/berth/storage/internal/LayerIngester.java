package io.berth.storage.internal;

import io.berth.storage.ArchiveLimits;
import io.berth.storage.DigestMismatchException;
import io.berth.storage.ImageFormatException;
import io.berth.storage.StorageDriver;
import io.berth.storage.internal.stream.Compression;
import io.berth.storage.internal.stream.DigestingInputStream;
import io.berth.storage.internal.stream.Digests;
import io.berth.storage.internal.sys.EarlyWriteback;
import io.berth.storage.internal.tar.TarIndexWriter;
import io.berth.storage.internal.tar.TarReader;
import io.berth.storage.internal.tar.Unpacker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns one layer blob into a layer, in one pass over the bytes: the compressed stream is
 * hashed and copied to a temp blob, decompressed, hashed again (the diff id) and unpacked by
 * {@link Unpacker} into a new driver layer. A plain tar is indexed instead of copied (see
 * {@link BlobStore}). When the diff id is known beforehand and the store
 * already has the layer, the blob is still read and checked but not unpacked again.
 * Everything made is registered with the caller's {@link Staging}; nothing is recorded in the
 * metadata here. Called under the store lock.
 */
final class LayerIngester {
  /** Made at the first new layer, not when a store opens: seeding it loads the providers. */
  private static final class Ids {
    static final SecureRandom RANDOM = new SecureRandom();
  }

  /** How much of a layer is unpacked between two background syncs; see EarlyWriteback. */
  private static final long WRITEBACK_STEP = 16L << 20;

  private final StorageDriver driver;
  private final Metadata meta;
  private final ArchiveLimits limits;

  LayerIngester(StorageDriver driver, Metadata meta, ArchiveLimits limits) {
    this.driver = driver;
    this.meta = meta;
    this.limits = limits;
  }

  /** What the archive or manifest says the blob is; each check is made when present. */
  record Expected(Optional<String> digest, Optional<Long> size, Optional<String> diffId,
      Optional<Compression> compression) {
    static Expected nothing() {
      return new Expected(Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty());
    }
  }

  /** The layer, and the blob it came from. */
  record Result(Metadata.LayerRecord layer, String blobDigest, long blobSize,
      Compression compression) {}

  static String newId() {
    byte[] b = new byte[32];
    Ids.RANDOM.nextBytes(b);
    return Digests.hex(b);
  }

  static String chainId(Optional<Metadata.LayerRecord> parent, String diffId) {
    if (parent.isEmpty()) {
      return diffId;
    }
    return Digests.of((parent.get().chainId() + " " + diffId).getBytes(StandardCharsets.UTF_8));
  }

  private Optional<Metadata.LayerRecord> known(String chainId, Staging staging) {
    Metadata.LayerRecord pending = staging.pendingLayers.get(chainId);
    return pending != null ? Optional.of(pending) : meta.layerByChainId(chainId);
  }

  /**
   * @param blobFile when present, {@code raw} is read from this file, which the caller keeps
   *     as the blob; otherwise the bytes are copied to a new temp blob
   * @param what names the layer in error messages
   */
  Result ingest(Staging staging, Optional<Metadata.LayerRecord> parent, InputStream raw,
      Expected expected, String what, Optional<Path> blobFile) throws IOException {
    Optional<Metadata.LayerRecord> known = expected.diffId()
        .flatMap(d -> known(chainId(parent, d), staging));
    BufferedInputStream peek = new BufferedInputStream(raw, 1 << 17);
    Compression compression = Compression.detect(peek);
    if (compression == Compression.BZIP2) {
      throw new ImageFormatException(what + " is bzip2-compressed; layers must be plain,"
          + " gzip or zstd tars");
    }
    if (expected.compression().isPresent() && expected.compression().get() != compression) {
      throw new ImageFormatException(what + ": its media type says "
          + expected.compression().get().name().toLowerCase(java.util.Locale.ROOT)
          + " but the data is " + compression.name().toLowerCase(java.util.Locale.ROOT));
    }
    // A plain tar that becomes a new layer is kept as an index into that layer rather than as
    // a second copy. Only where every layer unpacked from the same tar holds the same files, so
    // that any of them can serve the index: overlay's diff dirs (a vfs layer is a copy of its
    // parent, whose symlinks can move where the files land, and outlives it).
    boolean indexed = blobFile.isEmpty() && compression == Compression.NONE && known.isEmpty()
        && driver.whiteoutFormat() == StorageDriver.WhiteoutFormat.OVERLAY;
    Path tempBlob = blobFile.isPresent() ? null : staging.tempFile(indexed ? "index" : "layer");
    OutputStream copy = tempBlob == null || indexed ? null
        : new BufferedOutputStream(Files.newOutputStream(tempBlob), 1 << 20);
    DigestingInputStream rawIn = new DigestingInputStream(peek, copy);
    String newLayer = null;
    DigestingInputStream tarIn = null;
    java.util.function.LongSupplier tarCount;
    try (OutputStream closeCopy = copy) {
      InputStream tar;
      if (compression == Compression.NONE) {
        // The blob is the tar: its digest is the diff id, no need to hash it twice.
        tar = rawIn;
        tarCount = rawIn::count;
      } else {
        tarIn = new DigestingInputStream(compression.decompress(
            new BufferedInputStream(rawIn, 1 << 17), limits));
        tar = tarIn;
        tarCount = tarIn::count;
      }
      if (known.isEmpty()) {
        newLayer = newId();
        driver.create(newLayer, parent.map(Metadata.LayerRecord::id), false);
        staging.layerCreated(newLayer);
        Path content = driver.contentDir(newLayer);
        try (EarlyWriteback writeback = EarlyWriteback.every(WRITEBACK_STEP, content)) {
          TarReader reader = new TarReader(writeback.counting(tar), limits,
              limits.maxLayerSize());
          Unpacker unpacker = new Unpacker(content, driver.whiteoutFormat());
          if (indexed) {
            try (TarIndexWriter index = new TarIndexWriter(tempBlob, content)) {
              unpacker.unpackIndexed(reader, index);
              reader.drain();
              long size = index.finish();
              if (size != rawIn.count()) {
                throw new IllegalStateException("the index of " + what + " covers " + size
                    + " of its " + rawIn.count() + " bytes");
              }
            }
          } else {
            unpacker.unpack(reader);
            reader.drain();
          }
        }
      } else {
        TarReader reader = new TarReader(tar, limits, limits.maxLayerSize());
        while (reader.next() != null) {
          // Read every header: a layer we already have must still be a valid tar.
        }
        reader.drain();
      }
      rawIn.drain();
    } catch (java.util.zip.ZipException | com.github.luben.zstd.ZstdIOException e) {
      throw new ImageFormatException(what + " is not valid " + describe(e) + ": "
          + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw new ImageFormatException(what + " is truncated: " + e.getMessage(), e);
    }
    String blobDigest = rawIn.digest();
    String diffId = tarIn == null ? blobDigest : tarIn.digest();
    if (expected.size().isPresent() && expected.size().get() != rawIn.count()) {
      throw new ImageFormatException(what + " has " + rawIn.count() + " bytes but its"
          + " descriptor says " + expected.size().get());
    }
    if (expected.digest().isPresent() && !expected.digest().get().equals(blobDigest)) {
      throw new DigestMismatchException(what, expected.digest().get(), blobDigest);
    }
    if (expected.diffId().isPresent() && !expected.diffId().get().equals(diffId)) {
      throw new DigestMismatchException(what + " (uncompressed, the config's diff id)",
          expected.diffId().get(), diffId);
    }
    if (indexed) {
      staging.commitIndex(tempBlob, blobDigest);
    } else if (tempBlob != null) {
      staging.commitBlob(tempBlob, blobDigest);
    }
    String chainId = chainId(parent, diffId);
    if (known.isEmpty()) {
      known = known(chainId, staging);
      if (known.isPresent()) {
        // Same content as a layer the store has: keep that one, drop the copy.
        driver.remove(newLayer);
        staging.layerDiscarded(newLayer);
      }
    }
    Metadata.LayerRecord layer;
    if (known.isPresent()) {
      layer = known.get();
    } else {
      layer = new Metadata.LayerRecord(newLayer, parent.map(Metadata.LayerRecord::id), chainId,
          diffId, Optional.of(blobDigest), tarCount.getAsLong(), Instant.now());
      staging.pendingLayers.put(chainId, layer);
    }
    return new Result(layer, blobDigest, rawIn.count(), compression);
  }

  private static String describe(IOException e) {
    return e instanceof java.util.zip.ZipException ? "gzip" : "zstd";
  }
}

package io.berth.storage;

import java.util.HashSet;
import java.util.Set;

/**
 * Caps that keep a hostile or broken archive from exhausting disk, memory or time: each is
 * checked while reading, and going past one fails the call with
 * {@link ArchiveLimitExceededException} before more is written. The defaults fit every real
 * image seen in practice; raise one with the builder when a legitimate image needs it.
 * Immutable.
 */
public final class ArchiveLimits {
  /** 64 GiB of uncompressed tar per layer. */
  public static final long DEFAULT_MAX_LAYER_SIZE = 64L << 30;
  /** Two million entries per layer. */
  public static final int DEFAULT_MAX_ENTRIES = 2_000_000;
  /** Linux's PATH_MAX. */
  public static final int DEFAULT_MAX_PATH_LENGTH = 4096;
  /** 1 MiB of PAX extended header per entry (names, xattrs, sparse maps). */
  public static final int DEFAULT_MAX_PAX_HEADER_SIZE = 1 << 20;
  /** 8 MiB per manifest, index, config or docker-archive {@code manifest.json}. */
  public static final int DEFAULT_MAX_METADATA_SIZE = 8 << 20;

  private static final ArchiveLimits DEFAULTS = new Builder().build();

  private final long maxLayerSize;
  private final int maxEntries;
  private final int maxPathLength;
  private final int maxPaxHeaderSize;
  private final int maxMetadataSize;

  private ArchiveLimits(Builder b) {
    this.maxLayerSize = b.maxLayerSize;
    this.maxEntries = b.maxEntries;
    this.maxPathLength = b.maxPathLength;
    this.maxPaxHeaderSize = b.maxPaxHeaderSize;
    this.maxMetadataSize = b.maxMetadataSize;
  }

  public static ArchiveLimits defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Most bytes of uncompressed tar one layer may have (decompression bombs stop here). */
  public long maxLayerSize() {
    return maxLayerSize;
  }

  /** Most entries one layer may have. */
  public int maxEntries() {
    return maxEntries;
  }

  /** Longest entry or link name, in bytes. */
  public int maxPathLength() {
    return maxPathLength;
  }

  /** Largest PAX extended header or GNU long-name record of one entry, in bytes. */
  public int maxPaxHeaderSize() {
    return maxPaxHeaderSize;
  }

  /** Largest JSON document (manifest, index, config), in bytes. */
  public int maxMetadataSize() {
    return maxMetadataSize;
  }

  @Override
  public String toString() {
    return "ArchiveLimits{maxLayerSize=" + maxLayerSize + ", maxEntries=" + maxEntries
        + ", maxPathLength=" + maxPathLength + ", maxPaxHeaderSize=" + maxPaxHeaderSize
        + ", maxMetadataSize=" + maxMetadataSize + "}";
  }

  /** Builds {@link ArchiveLimits}, starting from the defaults; each setting once. */
  public static final class Builder {
    private long maxLayerSize = DEFAULT_MAX_LAYER_SIZE;
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private int maxPathLength = DEFAULT_MAX_PATH_LENGTH;
    private int maxPaxHeaderSize = DEFAULT_MAX_PAX_HEADER_SIZE;
    private int maxMetadataSize = DEFAULT_MAX_METADATA_SIZE;
    private final Set<String> made = new HashSet<>();

    private Builder() {}

    private static long positive(long value, String what) {
      if (value <= 0) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }

    private void once(String setting) {
      Checks.once(!made.add(setting), setting);
    }

    public Builder maxLayerSize(long bytes) {
      once("maxLayerSize");
      this.maxLayerSize = positive(bytes, "maxLayerSize");
      return this;
    }

    public Builder maxEntries(int entries) {
      once("maxEntries");
      this.maxEntries = (int) positive(entries, "maxEntries");
      return this;
    }

    public Builder maxPathLength(int bytes) {
      once("maxPathLength");
      this.maxPathLength = (int) positive(bytes, "maxPathLength");
      return this;
    }

    public Builder maxPaxHeaderSize(int bytes) {
      once("maxPaxHeaderSize");
      this.maxPaxHeaderSize = (int) positive(bytes, "maxPaxHeaderSize");
      return this;
    }

    public Builder maxMetadataSize(int bytes) {
      once("maxMetadataSize");
      this.maxMetadataSize = (int) positive(bytes, "maxMetadataSize");
      return this;
    }

    public ArchiveLimits build() {
      return new ArchiveLimits(this);
    }
  }
}

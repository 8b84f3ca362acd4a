package io.berth.storage;

import java.util.HashSet;
import java.util.Set;

/**
 * Caps that keep a hostile or broken archive from exhausting disk, memory, stack or time.
 * Each is checked while reading, before more is written or allocated, and going past one fails
 * the call with {@link ArchiveLimitExceededException}, whose message names the cap (like
 * {@code ArchiveLimits.maxLayerSize}); nothing of the failed call is kept. The defaults fit
 * every real image seen in practice; raise a cap with the builder when a genuine image needs
 * it (a store takes its limits from {@link Store.Builder#limits}).
 *
 * <table>
 *   <caption>The caps and their defaults</caption>
 *   <tr><th>cap</th><th>default</th><th>what it bounds</th></tr>
 *   <tr><td>{@link #maxLayerSize()}</td><td>64 GiB</td><td>uncompressed bytes of one layer
 *       (gzip and zstd bombs, sparse files claiming huge sizes, entry size fields)</td></tr>
 *   <tr><td>{@link #maxArchiveSize()}</td><td>256 GiB</td><td>uncompressed bytes of a
 *       compressed docker-archive or oci-archive file, which is unpacked to a temp file
 *       first</td></tr>
 *   <tr><td>{@link #maxEntries()}</td><td>2,000,000</td><td>entries of one layer</td></tr>
 *   <tr><td>{@link #maxArchiveMembers()}</td><td>100,000</td><td>members of an image
 *       archive, all indexed in memory</td></tr>
 *   <tr><td>{@link #maxPathLength()}</td><td>4096 (PATH_MAX)</td><td>an entry's name or link
 *       target, in bytes</td></tr>
 *   <tr><td>{@link #maxPaxHeaderSize()}</td><td>1 MiB</td><td>one entry's PAX extended header
 *       (xattrs, sparse maps), and all global PAX headers of a layer together</td></tr>
 *   <tr><td>{@link #maxMetadataSize()}</td><td>8 MiB</td><td>a manifest, index, config,
 *       {@code oci-layout} or {@code manifest.json}; a parsed document takes at most about
 *       20 times this in heap</td></tr>
 *   <tr><td>{@link #maxJsonDepth()}</td><td>64</td><td>nesting of arrays and objects in those
 *       documents</td></tr>
 *   <tr><td>{@link #maxZstdWindowSize()}</td><td>128 MiB</td><td>the memory a zstd frame may
 *       ask for (its window), the zstd format's default decoder cap</td></tr>
 * </table>
 *
 * <p>Some bounds are not settings: a symlink chain is followed at most 40 links deep (as
 * Linux does); a path on the host must fit in PATH_MAX and each name in NAME_MAX (255 bytes);
 * gzip members and zstd frames are read one after another with constant memory and stack, so
 * their number is bounded only by the input's size.
 *
 * <p>Immutable and thread-safe.
 */
public final class ArchiveLimits {
  /** 64 GiB of uncompressed tar per layer. */
  public static final long DEFAULT_MAX_LAYER_SIZE = 64L << 30;
  /** 256 GiB of uncompressed archive. */
  public static final long DEFAULT_MAX_ARCHIVE_SIZE = 256L << 30;
  /** Two million entries per layer. */
  public static final int DEFAULT_MAX_ENTRIES = 2_000_000;
  /** A hundred thousand members per image archive. */
  public static final int DEFAULT_MAX_ARCHIVE_MEMBERS = 100_000;
  /** Linux's PATH_MAX. */
  public static final int DEFAULT_MAX_PATH_LENGTH = 4096;
  /** 1 MiB of PAX extended header per entry (names, xattrs, sparse maps). */
  public static final int DEFAULT_MAX_PAX_HEADER_SIZE = 1 << 20;
  /** 8 MiB per manifest, index, config or docker-archive {@code manifest.json}. */
  public static final int DEFAULT_MAX_METADATA_SIZE = 8 << 20;
  /** 64 levels of JSON nesting; real documents have fewer than ten. */
  public static final int DEFAULT_MAX_JSON_DEPTH = 64;
  /** 128 MiB: zstd's own default cap for decoders ({@code ZSTD_WINDOWLOG_LIMIT_DEFAULT}). */
  public static final long DEFAULT_MAX_ZSTD_WINDOW_SIZE = 1L << 27;
  /** The largest window zstd can decode at all (2 GiB, {@code --long=31}). */
  static final long LARGEST_ZSTD_WINDOW = 1L << 31;

  private static final ArchiveLimits DEFAULTS = new Builder().build();

  private final long maxLayerSize;
  private final long maxArchiveSize;
  private final int maxEntries;
  private final int maxArchiveMembers;
  private final int maxPathLength;
  private final int maxPaxHeaderSize;
  private final int maxMetadataSize;
  private final int maxJsonDepth;
  private final long maxZstdWindowSize;

  private ArchiveLimits(Builder b) {
    this.maxLayerSize = b.maxLayerSize;
    this.maxArchiveSize = b.maxArchiveSize;
    this.maxEntries = b.maxEntries;
    this.maxArchiveMembers = b.maxArchiveMembers;
    this.maxPathLength = b.maxPathLength;
    this.maxPaxHeaderSize = b.maxPaxHeaderSize;
    this.maxMetadataSize = b.maxMetadataSize;
    this.maxJsonDepth = b.maxJsonDepth;
    this.maxZstdWindowSize = b.maxZstdWindowSize;
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

  /** Most bytes a compressed image archive may expand to. */
  public long maxArchiveSize() {
    return maxArchiveSize;
  }

  /** Most entries one layer may have. */
  public int maxEntries() {
    return maxEntries;
  }

  /** Most members (files, directories, links) one image archive may have. */
  public int maxArchiveMembers() {
    return maxArchiveMembers;
  }

  /** Longest entry or link name, in bytes. */
  public int maxPathLength() {
    return maxPathLength;
  }

  /**
   * Largest PAX extended header or GNU long-name record of one entry, and largest sum of the
   * global PAX headers of one archive, in bytes.
   */
  public int maxPaxHeaderSize() {
    return maxPaxHeaderSize;
  }

  /** Largest JSON document (manifest, index, config), in bytes. */
  public int maxMetadataSize() {
    return maxMetadataSize;
  }

  /** Deepest nesting of arrays and objects in a JSON document. */
  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  /** Largest window (decoder memory) a zstd frame may ask for, in bytes; a power of two. */
  public long maxZstdWindowSize() {
    return maxZstdWindowSize;
  }

  @Override
  public String toString() {
    return "ArchiveLimits{maxLayerSize=" + maxLayerSize + ", maxArchiveSize=" + maxArchiveSize
        + ", maxEntries=" + maxEntries + ", maxArchiveMembers=" + maxArchiveMembers
        + ", maxPathLength=" + maxPathLength + ", maxPaxHeaderSize=" + maxPaxHeaderSize
        + ", maxMetadataSize=" + maxMetadataSize + ", maxJsonDepth=" + maxJsonDepth
        + ", maxZstdWindowSize=" + maxZstdWindowSize + "}";
  }

  /**
   * Builds {@link ArchiveLimits}, starting from the defaults; each setting may be made once,
   * and must be positive. Not thread-safe.
   */
  public static final class Builder {
    private long maxLayerSize = DEFAULT_MAX_LAYER_SIZE;
    private long maxArchiveSize = DEFAULT_MAX_ARCHIVE_SIZE;
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private int maxArchiveMembers = DEFAULT_MAX_ARCHIVE_MEMBERS;
    private int maxPathLength = DEFAULT_MAX_PATH_LENGTH;
    private int maxPaxHeaderSize = DEFAULT_MAX_PAX_HEADER_SIZE;
    private int maxMetadataSize = DEFAULT_MAX_METADATA_SIZE;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private long maxZstdWindowSize = DEFAULT_MAX_ZSTD_WINDOW_SIZE;
    private final Set<String> made = new HashSet<>();

    private Builder() {}

    private long positive(long value, String setting) {
      Checks.once(!made.add(setting), setting);
      if (value <= 0) {
        throw new IllegalArgumentException(setting + " must be positive, got " + value);
      }
      return value;
    }

    public Builder maxLayerSize(long bytes) {
      this.maxLayerSize = positive(bytes, "maxLayerSize");
      return this;
    }

    public Builder maxArchiveSize(long bytes) {
      this.maxArchiveSize = positive(bytes, "maxArchiveSize");
      return this;
    }

    public Builder maxEntries(int entries) {
      this.maxEntries = (int) positive(entries, "maxEntries");
      return this;
    }

    public Builder maxArchiveMembers(int members) {
      this.maxArchiveMembers = (int) positive(members, "maxArchiveMembers");
      return this;
    }

    public Builder maxPathLength(int bytes) {
      this.maxPathLength = (int) positive(bytes, "maxPathLength");
      return this;
    }

    public Builder maxPaxHeaderSize(int bytes) {
      this.maxPaxHeaderSize = (int) positive(bytes, "maxPaxHeaderSize");
      return this;
    }

    public Builder maxMetadataSize(int bytes) {
      this.maxMetadataSize = (int) positive(bytes, "maxMetadataSize");
      return this;
    }

    public Builder maxJsonDepth(int levels) {
      this.maxJsonDepth = (int) positive(levels, "maxJsonDepth");
      return this;
    }

    /**
     * @param bytes a power of two from 1 KiB to 2 GiB (zstd's {@code --long=31}), the range
     *     of windows the zstd format has
     */
    public Builder maxZstdWindowSize(long bytes) {
      positive(bytes, "maxZstdWindowSize");
      if (Long.bitCount(bytes) != 1 || bytes < 1024 || bytes > LARGEST_ZSTD_WINDOW) {
        throw new IllegalArgumentException("maxZstdWindowSize must be a power of two from 1024"
            + " to " + LARGEST_ZSTD_WINDOW + " bytes, got " + bytes);
      }
      this.maxZstdWindowSize = bytes;
      return this;
    }

    public ArchiveLimits build() {
      return new ArchiveLimits(this);
    }
  }
}

package io.berth.storage.internal.stream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.berth.storage.ArchiveLimitExceededException;
import io.berth.storage.ArchiveLimits;
import io.berth.storage.ImageFormatException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/** The compressions a layer or archive may come in, recognised by their magic bytes. */
public enum Compression {
  NONE,
  GZIP,
  ZSTD,
  BZIP2;

  private static final int BUFFER = 1 << 17;

  /**
   * Looks at the first bytes of {@code in}, which must support mark/reset (a
   * {@link BufferedInputStream}).
   */
  public static Compression detect(InputStream in) throws IOException {
    in.mark(8);
    byte[] head = new byte[6];
    int n = in.readNBytes(head, 0, head.length);
    in.reset();
    if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      return BZIP2;
    }
    if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z'
        && head[3] == 'X' && head[4] == 'Z' && head[5] == 0) {
      throw new ImageFormatException("the archive is xz-compressed, which Berth does not read;"
          + " decompress it first (xz -d) or recompress it with gzip or zstd");
    }
    return NONE;
  }

  /**
   * A stream of the decompressed bytes. Any number of gzip members or zstd frames is read
   * with constant memory; a zstd frame asking for a window above
   * {@link ArchiveLimits#maxZstdWindowSize()} fails with
   * {@link ArchiveLimitExceededException} before its window is allocated.
   */
  public InputStream decompress(InputStream in, ArchiveLimits limits) throws IOException {
    switch (this) {
      case GZIP:
        return new GzipMembersInputStream(in, BUFFER);
      case ZSTD:
        ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(in);
        z.setLongMax(Long.numberOfTrailingZeros(limits.maxZstdWindowSize()));
        return new BufferedInputStream(new ZstdWindowCheck(z, limits.maxZstdWindowSize()),
            BUFFER);
      case BZIP2:
        return new BufferedInputStream(new BZip2CompressorInputStream(in, true), BUFFER);
      default:
        return in;
    }
  }

  /** Turns zstd's "window too large" error into the limit it is. */
  private static final class ZstdWindowCheck extends FilterInputStream {
    private final long max;

    ZstdWindowCheck(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (ZstdIOException e) {
        throw translate(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (ZstdIOException e) {
        throw translate(e);
      }
    }

    private IOException translate(ZstdIOException e) {
      if (e.getErrorCode() == Zstd.errFrameParameterWindowTooLarge()) {
        throw new ArchiveLimitExceededException("a zstd frame asks for a window (decoder"
            + " memory) larger than " + max + " bytes; raise ArchiveLimits.maxZstdWindowSize"
            + " (up to 2 GiB) if the data is genuine (made with zstd --long)");
      }
      return e;
    }
  }

  /** The OCI media type of a layer blob in this compression. */
  public String ociLayerMediaType() {
    switch (this) {
      case GZIP:
        return "application/vnd.oci.image.layer.v1.tar+gzip";
      case ZSTD:
        return "application/vnd.oci.image.layer.v1.tar+zstd";
      case NONE:
        return "application/vnd.oci.image.layer.v1.tar";
      default:
        throw new ImageFormatException("a " + name().toLowerCase(java.util.Locale.ROOT)
            + " layer has no OCI media type");
    }
  }
}

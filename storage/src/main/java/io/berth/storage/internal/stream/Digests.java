package io.berth.storage.internal.stream;

import io.berth.storage.ImageFormatException;
import java.util.regex.Pattern;

/** sha256 digests as the store spells them: {@code sha256:} and 64 lowercase hex digits. */
public final class Digests {
  public static final String PREFIX = "sha256:";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Digests() {}

  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /** {@code sha256:<hex>} of {@code data}. */
  public static String of(byte[] data) {
    return PREFIX + hex(DigestingInputStream.sha256().digest(data));
  }

  /** The 64 hex digits of a {@code sha256:} digest. */
  public static String hexOf(String digest) {
    return digest.substring(PREFIX.length());
  }

  public static boolean isValid(String digest) {
    return digest != null && DIGEST.matcher(digest).matches();
  }

  /**
   * Checks a digest read from an archive or manifest.
   *
   * @throws ImageFormatException naming where it came from
   */
  public static String require(String digest, String where) {
    if (!isValid(digest)) {
      throw new ImageFormatException(where + " has digest '" + digest + "'; Berth accepts only"
          + " sha256: followed by 64 lowercase hex digits");
    }
    return digest;
  }
}

package io.berth.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes tar headers byte by byte, for what no tar library will write: size fields far
 * beyond the data, raw PAX records of any length, GNU long-name records with any content.
 * Each header gets a correct checksum, so only the field under test is hostile. Not
 * thread-safe.
 */
final class RawTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A ustar header with an octal size field. */
  RawTar header(String name, char type, long size) {
    return header(name, type, octal(size, 12), "");
  }

  /**
   * A ustar header whose size field is {@code sizeField} exactly (12 bytes: octal, or base-256
   * with the high bit set).
   */
  RawTar header(String name, char type, byte[] sizeField, String linkName) {
    byte[] h = new byte[512];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    put(h, 100, 8, octal(0644, 8));
    put(h, 108, 8, octal(0, 8));
    put(h, 116, 8, octal(0, 8));
    put(h, 124, 12, sizeField);
    put(h, 136, 12, octal(1_700_000_000L, 12));
    h[156] = (byte) type;
    put(h, 157, 100, linkName.getBytes(StandardCharsets.UTF_8));
    put(h, 257, 8, "ustar\u000000".getBytes(StandardCharsets.US_ASCII));
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, octal(sum, 8));
    out.writeBytes(h);
    return this;
  }

  /** Data, padded to a whole block. */
  RawTar data(byte[] data) {
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  /** A PAX extended header ('x') holding {@code records} verbatim, then its padding. */
  RawTar pax(byte[] records) {
    header("PaxHeaders/entry", 'x', records.length);
    return data(records);
  }

  /** One well-formed PAX record: {@code "<len> key=value\n"} with the length computed. */
  static String paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.getBytes(StandardCharsets.UTF_8).length;
    int digits = String.valueOf(len).length();
    while (String.valueOf(len + digits).length() != digits) {
      digits++;
    }
    return (len + digits) + body;
  }

  /** Two zero blocks: the end of the archive. */
  byte[] end() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The bytes so far, without an end marker (a truncated archive). */
  byte[] unterminated() {
    return out.toByteArray();
  }

  /** A base-256 size field: high bit set, then the value big-endian. */
  static byte[] base256(long value) {
    byte[] f = new byte[12];
    for (int i = 11; i >= 4; i--) {
      f[i] = (byte) value;
      value >>>= 8;
    }
    f[0] = (byte) 0x80;
    return f;
  }

  private static byte[] octal(long value, int width) {
    String s = String.format("%0" + (width - 1) + "o", value);
    return Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), width);
  }

  private static void put(byte[] h, int off, int len, byte[] value) {
    System.arraycopy(value, 0, h, off, Math.min(len, value.length));
  }
}

package io.berth.storage.internal.tar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One tar entry's metadata, after GNU long names and PAX records have been applied. Built by
 * {@link TarReader} or by callers that write tars; treat as read-only once handed over.
 */
public final class TarEntry {
  /** The kinds of entry Berth reads and writes. */
  public enum Type { FILE, HARDLINK, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, DIRECTORY, FIFO }

  private String name;
  private Type type;
  private int mode;
  private long uid;
  private long gid;
  private long size;
  private long mtimeSeconds;
  private int mtimeNanos;
  private String linkName = "";
  private int devMajor;
  private int devMinor;
  private Map<String, byte[]> xattrs = Map.of();
  private List<long[]> sparseMap;
  private long realSize = -1;

  public TarEntry(String name, Type type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
  }

  /** The name as the archive gives it (directories without their trailing slash). */
  public String name() {
    return name;
  }

  public TarEntry name(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  public Type type() {
    return type;
  }

  /** Permission bits including setuid, setgid and sticky ({@code 07777}). */
  public int mode() {
    return mode;
  }

  public TarEntry mode(int mode) {
    this.mode = mode & 07777;
    return this;
  }

  public long uid() {
    return uid;
  }

  public long gid() {
    return gid;
  }

  public TarEntry owner(long uid, long gid) {
    this.uid = uid;
    this.gid = gid;
    return this;
  }

  /** Bytes of data the entry carries in the archive (for sparse files: the stored segments). */
  public long size() {
    return size;
  }

  public TarEntry size(long size) {
    this.size = size;
    return this;
  }

  public long mtimeSeconds() {
    return mtimeSeconds;
  }

  public int mtimeNanos() {
    return mtimeNanos;
  }

  public TarEntry mtime(long seconds, int nanos) {
    this.mtimeSeconds = seconds;
    this.mtimeNanos = nanos;
    return this;
  }

  /** Target of a symlink or hard link; empty for other types. */
  public String linkName() {
    return linkName;
  }

  public TarEntry linkName(String linkName) {
    this.linkName = Objects.requireNonNull(linkName, "linkName");
    return this;
  }

  public int devMajor() {
    return devMajor;
  }

  public int devMinor() {
    return devMinor;
  }

  public TarEntry device(int major, int minor) {
    this.devMajor = major;
    this.devMinor = minor;
    return this;
  }

  /** Extended attributes, name to raw value, in archive order. */
  public Map<String, byte[]> xattrs() {
    return xattrs;
  }

  public TarEntry xattrs(Map<String, byte[]> xattrs) {
    this.xattrs = xattrs.isEmpty() ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(xattrs));
    return this;
  }

  /** For a sparse file, the stored segments as {offset, length} pairs; null otherwise. */
  public List<long[]> sparseMap() {
    return sparseMap;
  }

  TarEntry sparse(List<long[]> map, long realSize) {
    this.sparseMap = Collections.unmodifiableList(new ArrayList<>(map));
    this.realSize = realSize;
    return this;
  }

  public boolean isSparse() {
    return sparseMap != null;
  }

  /** The file's full length: {@link #size()} unless sparse. */
  public long realSize() {
    return realSize >= 0 ? realSize : size;
  }

  @Override
  public String toString() {
    return type + " " + name + (linkName.isEmpty() ? "" : " -> " + linkName);
  }
}

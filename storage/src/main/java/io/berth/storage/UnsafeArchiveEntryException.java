package io.berth.storage;

/**
 * A tar entry tried to reach outside the directory it is unpacked into (an absolute or
 * {@code ..} path, a hard link to an outside file, a whiteout naming {@code .} or {@code ..}),
 * or carries something the store never applies. Nothing outside the target was touched, and
 * the partly unpacked layer has been removed.
 */
public class UnsafeArchiveEntryException extends ImageFormatException {
  private static final long serialVersionUID = 1L;

  private final String entryName;

  public UnsafeArchiveEntryException(String entryName, String reason) {
    super("refusing tar entry '" + entryName + "': " + reason
        + "; the archive is unsafe and was not imported");
    this.entryName = entryName;
  }

  /** The entry's name as written in the archive. */
  public String entryName() {
    return entryName;
  }
}

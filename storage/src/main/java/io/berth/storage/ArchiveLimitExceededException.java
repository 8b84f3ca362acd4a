package io.berth.storage;

/**
 * An archive went past one of the {@link ArchiveLimits} (size, entry count, name length,
 * metadata size, ...). The message names the limit and how to raise it.
 */
public class ArchiveLimitExceededException extends ImageFormatException {
  private static final long serialVersionUID = 1L;

  public ArchiveLimitExceededException(String message) {
    super(message);
  }
}

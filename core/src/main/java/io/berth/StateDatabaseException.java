package io.berth;

/**
 * Berth's state database cannot be used: it is corrupt, from an incompatible version, or
 * locked beyond the busy timeout. The file is never discarded silently; the message says where
 * it is and what to do.
 */
public class StateDatabaseException extends BerthException {
  private static final long serialVersionUID = 1L;

  public StateDatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.berth.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Store#diff} and {@link Store#export} write their tars. Entries are always sorted,
 * with numeric owners and PAX headers only where needed; with a fixed {@link #mtime()} the
 * output is byte for byte the same for the same content, whenever it was made. Immutable.
 */
public final class TarOptions {
  private static final TarOptions DEFAULTS = new TarOptions(Optional.empty());

  private final Optional<Instant> mtime;

  private TarOptions(Optional<Instant> mtime) {
    this.mtime = mtime;
  }

  /** Each entry keeps its file's modification time (whole seconds). */
  public static TarOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The modification time written for every entry, if fixed. */
  public Optional<Instant> mtime() {
    return mtime;
  }

  @Override
  public String toString() {
    return "TarOptions{mtime=" + mtime.map(Instant::toString).orElse("<from files>") + "}";
  }

  /** Builds {@link TarOptions}; each setting once. Not thread-safe. */
  public static final class Builder {
    private Instant mtime;

    private Builder() {}

    /**
     * Writes this modification time (whole seconds, at or after 1970) for every entry, as
     * reproducible builds do with {@code SOURCE_DATE_EPOCH}.
     */
    public Builder mtime(Instant mtime) {
      Checks.once(this.mtime != null, "mtime");
      Objects.requireNonNull(mtime, "mtime");
      if (mtime.isBefore(Instant.EPOCH)) {
        throw new IllegalArgumentException("mtime must not be before 1970: " + mtime);
      }
      this.mtime = mtime;
      return this;
    }

    public TarOptions build() {
      return new TarOptions(Optional.ofNullable(mtime));
    }
  }
}

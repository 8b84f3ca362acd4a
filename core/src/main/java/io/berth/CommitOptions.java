package io.berth;

import io.berth.storage.ConfigChanges;
import java.util.Optional;

/**
 * How {@link Container#commit(CommitOptions)} makes an image of a container. Immutable; build
 * with {@link #builder()}. By default a running container is paused while its changes are
 * read, so the image is a consistent snapshot.
 */
public final class CommitOptions {
  private final String reference;
  private final boolean pause;
  private final String author;
  private final String message;
  private final ConfigChanges changes;

  private CommitOptions(Builder b) {
    this.reference = b.reference;
    this.pause = b.pause == null || b.pause;
    this.author = b.author;
    this.message = b.message;
    this.changes = b.changes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The name the new image gets; untagged when empty. */
  public Optional<String> reference() {
    return Optional.ofNullable(reference);
  }

  public boolean pause() {
    return pause;
  }

  public Optional<String> author() {
    return Optional.ofNullable(author);
  }

  public Optional<String> message() {
    return Optional.ofNullable(message);
  }

  /** Changes to the image config (Cmd, Entrypoint, Env, WorkingDir, User, Labels, ...). */
  public Optional<ConfigChanges> changes() {
    return Optional.ofNullable(changes);
  }

  /** Builds {@link CommitOptions}; each setting once. Not thread-safe. */
  public static final class Builder {
    private String reference;
    private Boolean pause;
    private String author;
    private String message;
    private ConfigChanges changes;

    private Builder() {}

    public Builder reference(String reference) {
      Settings.once(this.reference, "reference");
      this.reference = Settings.requireText(reference, "reference");
      return this;
    }

    public Builder pause(boolean pause) {
      Settings.once(this.pause, "pause");
      this.pause = pause;
      return this;
    }

    public Builder author(String author) {
      Settings.once(this.author, "author");
      this.author = Settings.requireText(author, "author");
      return this;
    }

    public Builder message(String message) {
      Settings.once(this.message, "message");
      this.message = Settings.requireText(message, "message");
      return this;
    }

    public Builder changes(ConfigChanges changes) {
      Settings.once(this.changes, "changes");
      this.changes = java.util.Objects.requireNonNull(changes, "changes");
      return this;
    }

    public CommitOptions build() {
      return new CommitOptions(this);
    }
  }
}

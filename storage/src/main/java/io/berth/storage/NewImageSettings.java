package io.berth.storage;

import io.berth.storage.internal.ImageReference;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The settings behind {@link ImageOptions}, with the rule that each is made once. */
final class NewImageSettings {
  Optional<String> reference = Optional.empty();
  ConfigChanges changes = ConfigChanges.none();
  Optional<String> author = Optional.empty();
  Optional<String> message = Optional.empty();
  Optional<Instant> created = Optional.empty();
  private final Set<String> made = new HashSet<>();

  private void once(String setting) {
    Checks.once(!made.add(setting), setting);
  }

  void reference(String reference) {
    once("reference");
    this.reference = Optional.of(ImageReference.parse(reference).toString());
  }

  void changes(ConfigChanges changes) {
    once("changes");
    this.changes = Objects.requireNonNull(changes, "changes");
  }

  void author(String author) {
    once("author");
    this.author = Optional.of(Checks.text(author, "author"));
  }

  void message(String message) {
    once("message");
    this.message = Optional.of(Checks.text(message, "message"));
  }

  void created(Instant created) {
    once("created");
    this.created = Optional.of(Objects.requireNonNull(created, "created"));
  }

  NewImageSettings copy() {
    NewImageSettings c = new NewImageSettings();
    c.reference = reference;
    c.changes = changes;
    c.author = author;
    c.message = message;
    c.created = created;
    return c;
  }

  @Override
  public String toString() {
    return "reference=" + reference.orElse("<none>") + ", changes=" + changes + ", author="
        + author.orElse("") + ", message=" + message.orElse("") + ", created="
        + created.map(Instant::toString).orElse("<now>");
  }
}

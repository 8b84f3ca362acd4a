package io.berth.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of an image config's {@code history}: how one layer (or one config-only step)
 * came to be. Immutable.
 *
 * @param created when the step ran
 * @param createdBy the command that made it, like {@code /bin/sh -c #(nop) CMD ["sh"]}
 * @param author who made it
 * @param comment a free-form message
 * @param emptyLayer true when the step changed only the config and added no layer
 */
public record ImageHistory(Optional<Instant> created, Optional<String> createdBy,
    Optional<String> author, Optional<String> comment, boolean emptyLayer) {

  public ImageHistory {
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(comment, "comment");
  }
}

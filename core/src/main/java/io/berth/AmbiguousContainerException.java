package io.berth;

import java.util.List;

/** An id prefix matches more than one container; the message and {@link #candidates()} list them. */
public class AmbiguousContainerException extends NoSuchContainerException {
  private static final long serialVersionUID = 1L;

  private final List<String> candidates;

  public AmbiguousContainerException(String prefix, List<String> candidates) {
    super("id prefix '" + prefix + "' matches " + candidates.size() + " containers: "
        + String.join(", ", candidates) + "; give more characters of the id");
    this.candidates = List.copyOf(candidates);
  }

  /** The ids that matched. */
  public List<String> candidates() {
    return candidates;
  }
}

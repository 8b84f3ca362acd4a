package io.berth.examples;

import io.berth.Runtime;
import java.util.Optional;

/** What the examples left on the default root, which they share with every Berth user. */
final class DefaultRoot {
  private DefaultRoot() {}

  static boolean hasContainer(String idOrName) {
    try (Runtime runtime = Runtime.open()) {
      return runtime.findContainer(idOrName).isPresent();
    }
  }

  static Optional<String> image(String reference) {
    try (Runtime runtime = Runtime.open()) {
      return runtime.images().find(reference).map(i -> i.id());
    }
  }
}

package io.berth.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Container and exec-session ids. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** 64 random hex characters; never all digits, so an id prefix never reads as a number. */
  static String containerId() {
    while (true) {
      String id = random(32);
      if (!id.chars().allMatch(Character::isDigit)) {
        return id;
      }
    }
  }

  static String execId() {
    return random(16);
  }

  /** {@code berth-} plus 12 id characters: unique, and never mistaken for an id. */
  static String generatedName(String id) {
    return "berth-" + id.substring(0, 12);
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

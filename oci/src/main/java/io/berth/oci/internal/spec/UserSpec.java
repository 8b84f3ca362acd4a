package io.berth.oci.internal.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * A parsed {@code user[:group]} setting, each part a number or a name. Numbers must fit the
 * range runtimes accept, 0 to 2^31-1.
 */
public record UserSpec(String user, Optional<String> group) {

  public static UserSpec parse(String spec) {
    Objects.requireNonNull(spec, "user");
    int colon = spec.indexOf(':');
    String user = colon < 0 ? spec : spec.substring(0, colon);
    Optional<String> group = colon < 0 ? Optional.empty() : Optional.of(spec.substring(colon + 1));
    check(user, spec, "user");
    group.ifPresent(g -> check(g, spec, "group"));
    return new UserSpec(user, group);
  }

  private static void check(String part, String spec, String what) {
    if (part.isEmpty() || part.indexOf(':') >= 0 || part.indexOf('\0') >= 0
        || part.indexOf('/') >= 0 || !part.strip().equals(part)) {
      throw new IllegalArgumentException("invalid user '" + spec.replace('\0', '?')
          + "': expected uid, uid:gid, name or name:group");
    }
    if (isNumeric(part)) {
      parseId(part, spec, what);
    }
  }

  static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  static int parseId(String s, String spec, String what) {
    long value;
    try {
      value = s.length() > 12 ? Long.MAX_VALUE : Long.parseLong(s);
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE;
    }
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("invalid user '" + spec + "': " + what + " id " + s
          + " is above 2147483647");
    }
    return (int) value;
  }

  /** The numeric uid, if the user part is a number. */
  public Optional<Integer> uid() {
    return isNumeric(user) ? Optional.of(parseId(user, toString(), "user")) : Optional.empty();
  }

  /** The numeric gid, if the group part is present and a number. */
  public Optional<Integer> gid() {
    return group.filter(UserSpec::isNumeric).map(g -> parseId(g, toString(), "group"));
  }

  @Override
  public String toString() {
    return group.map(g -> user + ":" + g).orElse(user);
  }
}

package io.berth.oci.internal.spec;

import io.berth.oci.InvalidSpecException;
import io.berth.oci.internal.sys.RootfsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a {@code user[:group]} setting to numeric ids the way runc and podman do, reading
 * the rootfs's own {@code /etc/passwd} and {@code /etc/group} (inside the rootfs only, at most
 * {@link #MAX_FILE_BYTES} each).
 */
public final class UserResolver {
  /** The cap on /etc/passwd and /etc/group: far above any real one, small enough to be harmless. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  /** The resolved identity: ids, supplementary groups, and the home directory if known. */
  public record ResolvedUser(int uid, int gid, List<Integer> additionalGids,
      Optional<String> home) {}

  private record PasswdEntry(String name, int uid, int gid, String home) {}

  private record GroupEntry(String name, int gid, List<String> members) {}

  private UserResolver() {}

  /**
   * @throws InvalidSpecException if a name is unknown or the files cannot be read safely
   */
  public static ResolvedUser resolve(Path rootfs, String spec) {
    UserSpec user = UserSpec.parse(spec);
    List<PasswdEntry> passwd = parsePasswd(read(rootfs, "etc/passwd"));
    PasswdEntry entry;
    int uid;
    if (user.uid().isPresent()) {
      uid = user.uid().get();
      entry = passwd.stream().filter(p -> p.uid() == uid).findFirst().orElse(null);
    } else {
      entry = passwd.stream().filter(p -> p.name().equals(user.user())).findFirst()
          .orElseThrow(() -> new InvalidSpecException("user '" + user.user()
              + "' not found in /etc/passwd of rootfs " + rootfs
              + "; use a numeric uid or add the user to the image"));
      uid = entry.uid();
    }
    List<GroupEntry> groups = parseGroup(read(rootfs, "etc/group"));
    int gid;
    if (user.group().isEmpty()) {
      gid = entry == null ? 0 : entry.gid();
    } else if (user.gid().isPresent()) {
      gid = user.gid().get();
    } else {
      String name = user.group().get();
      gid = groups.stream().filter(g -> g.name().equals(name)).findFirst()
          .orElseThrow(() -> new InvalidSpecException("group '" + name
              + "' not found in /etc/group of rootfs " + rootfs
              + "; use a numeric gid or add the group to the image"))
          .gid();
    }
    List<Integer> additional = new ArrayList<>();
    if (entry != null) {
      for (GroupEntry g : groups) {
        if (g.members().contains(entry.name()) && g.gid() != gid
            && !additional.contains(g.gid())) {
          additional.add(g.gid());
        }
      }
    }
    return new ResolvedUser(uid, gid, List.copyOf(additional),
        Optional.ofNullable(entry).map(PasswdEntry::home).filter(h -> h.startsWith("/")));
  }

  private static String read(Path rootfs, String file) {
    try {
      return RootfsFiles.read(rootfs, file, MAX_FILE_BYTES)
          .map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    } catch (IOException e) {
      throw new InvalidSpecException("cannot look up users: " + e.getMessage(), e);
    }
  }

  private static List<PasswdEntry> parsePasswd(String text) {
    List<PasswdEntry> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.split(":", -1);
      if (line.startsWith("#") || f.length < 7 || f[0].isEmpty()) {
        continue;
      }
      Optional<Integer> uid = id(f[2]);
      Optional<Integer> gid = id(f[3]);
      if (uid.isPresent() && gid.isPresent()) {
        entries.add(new PasswdEntry(f[0], uid.get(), gid.get(), f[5]));
      }
    }
    return entries;
  }

  private static List<GroupEntry> parseGroup(String text) {
    List<GroupEntry> entries = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.split(":", -1);
      if (line.startsWith("#") || f.length < 4 || f[0].isEmpty()) {
        continue;
      }
      Optional<Integer> gid = id(f[2]);
      if (gid.isPresent()) {
        List<String> members = new ArrayList<>();
        for (String m : f[3].split(",")) {
          if (!m.isBlank()) {
            members.add(m.strip());
          }
        }
        entries.add(new GroupEntry(f[0], gid.get(), members));
      }
    }
    return entries;
  }

  /** A valid id field, or empty for a malformed one (such lines are skipped, like libc does). */
  private static Optional<Integer> id(String field) {
    if (!UserSpec.isNumeric(field) || field.length() > 10) {
      return Optional.empty();
    }
    long v = Long.parseLong(field);
    return v > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) v);
  }
}

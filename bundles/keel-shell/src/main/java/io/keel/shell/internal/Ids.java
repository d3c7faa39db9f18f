package io.keel.shell.internal;

import io.keel.api.Member;
import java.util.List;

/**
 * Member and lease IDs as etcdctl shows and takes them: hexadecimal, member IDs without padding
 * ({@code 8e9e05c52164694d}), lease IDs padded to 16 digits. A member may also be named by its
 * name, as the console completes it.
 */
public final class Ids {
  private Ids() {}

  public static String member(long id) {
    return Long.toHexString(id);
  }

  public static String lease(long id) {
    return String.format("%016x", id);
  }

  /** A hexadecimal ID (as etcdctl prints it); a clear error for anything else. */
  public static long parseHex(String what, String text) {
    try {
      return Long.parseUnsignedLong(text.trim(), 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad " + what + " ID " + text + ": expected hexadecimal, like etcdctl prints it");
    }
  }

  /** The member with this name or hexadecimal ID; names win over IDs that read the same. */
  public static Member resolveMember(List<Member> members, String nameOrId) {
    for (Member m : members) {
      if (!m.name().isEmpty() && m.name().equals(nameOrId)) {
        return m;
      }
    }
    for (Member m : members) {
      if (member(m.id()).equalsIgnoreCase(nameOrId.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException("no member named " + nameOrId + " (members: " + names(members) + ")");
  }

  private static String names(List<Member> members) {
    StringBuilder sb = new StringBuilder();
    for (Member m : members) {
      sb.append(sb.length() == 0 ? "" : ", ").append(m.name().isEmpty() ? "(unstarted)" : m.name()).append(' ')
          .append(member(m.id()));
    }
    return sb.toString();
  }
}

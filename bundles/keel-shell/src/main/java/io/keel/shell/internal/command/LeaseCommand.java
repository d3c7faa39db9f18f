package io.keel.shell.internal.command;

import io.keel.api.Leases;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.Ids;
import io.keel.shell.internal.Waits;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** etcdctl lease grant / revoke / keep-alive --once / timetolive / list, with etcdctl's lines. */
@Command(scope = "keel", name = "lease", description = "Leases: grant TTL | revoke ID | keep-alive ID | [--keys] timetolive ID | list")
@Service
public class LeaseCommand implements Action {
  @Reference
  Leases leases;

  @Argument(index = 0, name = "action", required = true, description = "grant, revoke, keep-alive, timetolive or list")
  @Completion(values = {"grant", "revoke", "keep-alive", "timetolive", "list"}, value = StringsCompleter.class)
  String action;

  @Argument(index = 1, name = "arg", description = "grant: the TTL in seconds; otherwise the lease ID (hexadecimal)")
  String arg;

  @Option(name = "--keys", description = "timetolive: also list the keys attached to the lease")
  boolean keys;

  @Override
  public Object execute() throws Exception {
    switch (action) {
      case "grant" -> System.out.println(Formats.leaseGranted(Waits.await(leases.leaseGrant(0, ttl()))));
      case "revoke" -> {
        long id = id();
        Waits.await(leases.leaseRevoke(id));
        System.out.println(Formats.leaseRevoked(id));
      }
      case "keep-alive" -> {
        long id = id();
        System.out.println(Formats.leaseKeptAlive(id, Waits.await(leases.leaseRenew(id))));
      }
      case "timetolive" -> System.out.println(Formats.leaseTimeToLive(Waits.await(leases.leaseTimeToLive(id(), keys)), keys));
      case "list" -> Formats.leaseList(Waits.await(leases.leases())).forEach(System.out::println);
      default -> throw new IllegalArgumentException("unknown action " + action + ": grant, revoke, keep-alive, timetolive or list");
    }
    return null;
  }

  private long ttl() {
    if (arg == null) {
      throw new IllegalArgumentException("lease grant needs a TTL in seconds");
    }
    try {
      return Long.parseLong(arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad TTL " + arg + ": expected seconds");
    }
  }

  private long id() {
    if (arg == null) {
      throw new IllegalArgumentException("lease " + action + " needs a lease ID");
    }
    return Ids.parseHex("lease", arg);
  }
}

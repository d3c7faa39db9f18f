package io.keel.shell.internal.command;

import io.keel.api.Cluster;
import io.keel.api.Member;
import io.keel.shell.internal.Ids;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes member names (and the IDs of members that have not started, which have no name yet). */
@Service
public class MemberCompleter implements Completer {
  @Reference
  Cluster cluster;

  @Override
  public int complete(Session session, CommandLine commandLine, List<String> candidates) {
    StringsCompleter names = new StringsCompleter();
    for (Member m : cluster.members()) {
      names.getStrings().add(m.name().isEmpty() ? Ids.member(m.id()) : m.name());
    }
    return names.complete(session, commandLine, candidates);
  }
}

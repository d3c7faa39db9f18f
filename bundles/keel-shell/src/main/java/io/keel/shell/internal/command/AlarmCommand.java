package io.keel.shell.internal.command;

import io.keel.api.Alarm;
import io.keel.api.Maintenance;
import io.keel.shell.internal.Formats;
import io.keel.shell.internal.Waits;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** etcdctl alarm list / alarm disarm. */
@Command(scope = "keel", name = "alarm", description = "Lists the cluster's active alarms, or disarms them all")
@Service
public class AlarmCommand implements Action {
  @Reference
  Maintenance maintenance;

  @Argument(index = 0, name = "action", description = "list (the default) or disarm")
  @Completion(values = {"list", "disarm"}, value = StringsCompleter.class)
  String action = "list";

  @Override
  public Object execute() throws Exception {
    switch (action) {
      case "list" -> maintenance.alarms().forEach(a -> System.out.println(Formats.alarm(a)));
      case "disarm" -> {
        List<Alarm> active = maintenance.alarms();
        for (Alarm a : active) {
          Waits.await(maintenance.alarm(false, a.memberId(), a.type()));
          System.out.println(Formats.alarm(a));
        }
      }
      default -> throw new IllegalArgumentException("unknown action " + action + ": list or disarm");
    }
    return null;
  }
}

package io.keel.launcher.internal.osgi;

import io.keel.api.lifecycle.MemberEnd;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's one decision about how its process ends, like etcd's: a member that cannot start
 * (any component: bad configuration, a port taken, no cluster to join, a bad restore) exits with
 * code 1 after one line on stderr, {@code keel: <why>}; a member removed from its cluster exits
 * with code 0. Components only report a {@link MemberEnd}; no other bundle ends the JVM.
 *
 * <p>The JVM ends through {@link Runtime#exit}, on a thread of its own: Karaf's shutdown hook then
 * stops the framework (every component deactivates, the Raft node closes) before the process ends
 * with the code. The thread matters: the report arrives on the thread that is activating a
 * component, which the framework's stop would wait for. Only the first report counts.
 */
@Component(immediate = true)
public final class ProcessExitPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessExitPolicy.class);
  private final AtomicBoolean ending = new AtomicBoolean();

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void bindMemberEnd(MemberEnd end) {
    if (!ending.compareAndSet(false, true)) {
      return;
    }
    int exitCode = exitCode(end);
    if (end.reason() == MemberEnd.Reason.START_FAILED) {
      System.err.println("keel: " + end.message());
    }
    LOG.info("member ends reason={} exitCode={}: {}", end.reason(), exitCode, end.message());
    Thread exit = new Thread(() -> Runtime.getRuntime().exit(exitCode), "keel-exit");
    exit.setDaemon(true);
    exit.start();
  }

  void unbindMemberEnd(MemberEnd end) {
    // the process is already ending
  }

  static int exitCode(MemberEnd end) {
    return switch (end.reason()) {
      case START_FAILED -> 1;
      case REMOVED -> 0;
    };
  }
}

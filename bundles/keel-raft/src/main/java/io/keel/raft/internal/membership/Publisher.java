package io.keel.raft.internal.membership;

import io.keel.raft.internal.Command;
import io.keel.raft.internal.Membership;
import io.keel.raft.internal.RaftAccess;
import io.keel.raft.internal.propose.Proposer;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** etcd's publish: a member announces its name and client URLs through the log, retried until it lands. */
public final class Publisher {
  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
  private final RaftAccess raft;
  private final Proposer proposer;
  private final ScheduledExecutorService scheduler;
  private final Command.Publish publish;

  /** @param proposedClusterId the cluster ID this member was started with (the first to publish fixes it) */
  public Publisher(RaftAccess raft, Proposer proposer, ScheduledExecutorService scheduler, long memberId, String name,
      List<String> clientUrls, long proposedClusterId) {
    this.raft = raft;
    this.proposer = proposer;
    this.scheduler = scheduler;
    this.publish = new Command.Publish(memberId, name, List.copyOf(clientUrls), proposedClusterId);
  }

  /** Publishes unless the log already holds these attributes; retries every 500 ms until it lands. */
  public void publish() {
    Membership.Attributes current = raft.membership().get(publish.memberId());
    if (current != null && current.name().equals(publish.name()) && current.clientUrls().equals(publish.clientUrls())) {
      return;
    }
    proposer.route(publish).whenComplete((r, e) -> {
      if (e != null) {
        LOG.debug("publish failed, retrying: {}", e.toString());
        try {
          scheduler.schedule(this::publish, 500, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
          // shutting down
        }
      } else {
        LOG.info("published name={} clientUrls={}", publish.name(), publish.clientUrls());
      }
    });
  }
}

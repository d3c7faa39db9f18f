package io.keel.testsupport;

import java.time.Duration;
import java.util.function.IntPredicate;

/**
 * A cluster the shared scenarios ({@link FailoverScenario}, {@link ReconfigurationScenario},
 * {@link PartitionScenario}) run against: members in one JVM, or appliances as processes. Members
 * are numbered from 0 in the order they were created and keep their number when stopped or
 * removed. Every wait is bounded.
 */
public interface ClusterUnderTest extends AutoCloseable {

  /** Members created so far, running or not. */
  int size();

  boolean isRunning(int i);

  /** True if member {@code i} runs and reports itself the leader. */
  boolean isLeader(int i);

  /** A client of member {@code i} alone. */
  EtcdClient client(int i);

  /** The peer URL the other members reach member {@code i} at. */
  String peerUrl(int i);

  /** Stops member {@code i} as an operator would (its data stays). */
  void stop(int i);

  /** Ends member {@code i} without warning (a process gets SIGKILL; in one JVM, the same as stop). */
  void kill(int i);

  /** Starts member {@code i} again on its data; returns once it serves. */
  void restart(int i);

  /** Cuts every peer link of member {@code i}, both ways; clients still reach it. */
  void partition(int i);

  /** Restores every cut peer link. */
  void heal();

  /** Creates one more member, not started and not yet in the cluster; returns its number. */
  int createMember();

  /**
   * Starts member {@code i}, already added to the cluster (member add), as a joiner
   * (initial-cluster-state=existing); does not wait for it to serve (a learner serves little).
   */
  void startJoiner(int i);

  /**
   * Asserts that member {@code i}, just removed from the cluster, stops serving within
   * {@link #patience()} (in one JVM it answers etcd's "server stopped"; a process exits with code
   * 0, as etcd does), and stops it.
   */
  void awaitRemovedStops(int i);

  /** Waits (bounded) until every running member reports the same revision and KV hash, and fails otherwise. */
  void assertReplicasEqual();

  /** How long anything that waits for a member to start or catch up may take on this layer. */
  Duration patience();

  /** Stops every member and releases everything the cluster holds. */
  @Override
  void close();

  /** The running leader, waiting (within {@link #patience()}) for one. */
  default int waitLeader() {
    return waitLeader(i -> true);
  }

  /** The running leader among the members {@code among} accepts, waiting (within {@link #patience()}) for one. */
  default int waitLeader(IntPredicate among) {
    long deadline = System.nanoTime() + patience().toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < size(); i++) {
        if (among.test(i) && isRunning(i) && isLeader(i)) {
          return i;
        }
      }
      Await.pause(50);
    }
    throw new AssertionError("no leader within " + patience());
  }
}

package io.keel.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * etcd's Cluster: the member list and runtime reconfiguration. Any member takes a change (a
 * follower hands it to the leader). Failures complete the stage exceptionally with an {@link
 * EtcdException}.
 */
public interface Cluster extends ResponseHeaders {

  List<Member> members();

  /**
   * Adds a member with these peer URLs (etcd's runtime reconfiguration: add it, then start it with
   * initial-cluster-state=existing). A voter joins the quorum once it has caught up.
   */
  CompletionStage<MemberChange> memberAdd(List<String> peerUrls, boolean isLearner);

  CompletionStage<MemberChange> memberRemove(long id);

  /**
   * New peer URLs for a member (etcd's member update; then restart the member with them). The
   * member keeps its ID.
   */
  CompletionStage<MemberChange> memberUpdate(long id, List<String> peerUrls);

  /** Makes a caught-up learner a voter; LEARNER_NOT_READY if it is behind. */
  CompletionStage<MemberChange> memberPromote(long id);

  /**
   * Whether this member is a learner: like etcd, it then answers only Status, serializable Range
   * and Snapshot; everything else fails with NOT_SUPPORTED_FOR_LEARNER.
   */
  boolean isLearner();
}

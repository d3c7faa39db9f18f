package io.keel.testsupport;

import java.util.List;
import java.util.Optional;

/**
 * The client calls the shared scenarios make against one member, implemented once over gRPC
 * stubs (in-process clusters) and once over the real etcdctl (appliance processes), as etcd's
 * tests/common has one client interface for its integration and e2e clusters. Every call is
 * bounded; a refusal throws {@link EtcdException} with etcd's error text.
 */
public interface EtcdClient {

  /** Puts {@code key}; returns the revision of the answer's header. */
  long put(String key, String value);

  /** The value of {@code key}, read linearizably or (serializable) from this member's own state. */
  Optional<String> get(String key, boolean serializable);

  /** How many keys start with {@code prefix}. */
  long count(String prefix, boolean serializable);

  /** Adds a member with this peer URL (as a learner if asked); returns the added member. */
  Member memberAdd(String peerUrl, boolean learner);

  void memberPromote(long id);

  void memberRemove(long id);

  List<Member> memberList();

  /** This member's Status answer. */
  MemberStatus status();

  /** Asks this member, which must be the leader, to hand leadership to {@code targetId}. */
  void moveLeader(long targetId);
}

package io.keel.testsupport;

/** What a member's Status answer says about itself and the leader it follows (0: none known). */
public record MemberStatus(long memberId, long leader, long raftTerm, boolean learner) {
  public boolean isLeader() {
    return memberId != 0 && memberId == leader;
  }
}

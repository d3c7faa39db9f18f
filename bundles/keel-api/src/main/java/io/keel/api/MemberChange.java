package io.keel.api;

import java.util.List;

/** The outcome of a membership change: the member concerned and the member list after it. */
public record MemberChange(Member member, List<Member> members) {}

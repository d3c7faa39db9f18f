package io.keel.api.kv;

import java.util.List;

/** etcd's {@code TxnResponse}; {@code responses} line up with the branch that ran. */
public record TxnResponse(long revision, boolean succeeded, List<ResponseOp> responses) implements ResponseOp {}

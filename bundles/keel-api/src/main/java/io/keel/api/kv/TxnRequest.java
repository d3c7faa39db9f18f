package io.keel.api.kv;

import java.util.List;

/** etcd's {@code TxnRequest}: if every compare holds, run success, else failure, all at one revision. */
public record TxnRequest(List<Compare> compare, List<RequestOp> success, List<RequestOp> failure) implements RequestOp {}

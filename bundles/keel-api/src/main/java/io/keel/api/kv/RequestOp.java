package io.keel.api.kv;

/** One operation of a transaction: a range, put, delete-range or nested txn (etcd's {@code RequestOp}). */
public sealed interface RequestOp permits RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest {}

/** etcd's KV requests on a member (v3_server.go's Range, Put, DeleteRange, Txn, Compact): checks, then the log or a read. */
package io.keel.raft.internal.kv;

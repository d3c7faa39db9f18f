/** The etcd v3 key-value model (requests, responses, key-values) as plain immutable Java types. */
package io.keel.api.kv;

/** The bench tool: an etcd-style load generator over etcd v3 gRPC, for Keel and real etcd alike. */
package io.keel.bench;

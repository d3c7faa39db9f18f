/** Named fault points in the server (etcd's gofail), no-ops unless a test enables them by JVM property. */
package io.keel.raft.internal.failpoint;

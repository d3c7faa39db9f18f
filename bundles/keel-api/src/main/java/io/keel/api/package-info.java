/**
 * Keel's shared vocabulary: errors, the cluster model and one narrow service interface per etcd
 * endpoint ({@link io.keel.api.Kv}, {@link io.keel.api.Watchable}, {@link io.keel.api.Leases},
 * {@link io.keel.api.Cluster}, {@link io.keel.api.Maintenance}); plain Java only.
 */
package io.keel.api;

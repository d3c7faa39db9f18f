/** etcd's leases as plain Java: grants, renewals, time-to-live answers. */
package io.keel.api.lease;

/** etcd's authentication model (users, roles, key-range permissions, who a request runs as) as plain Java types. */
package io.keel.api.auth;

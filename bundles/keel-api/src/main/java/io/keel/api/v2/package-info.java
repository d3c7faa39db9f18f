/** etcd's v2 keys API model (enable-v2): requests, nodes, events, errors, and the service keel-grpc serves it from. */
package io.keel.api.v2;

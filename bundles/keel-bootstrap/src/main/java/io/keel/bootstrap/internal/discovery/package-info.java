/** etcd's v2 discovery protocol (discovery=URL): the keys it reads and writes, and the client that speaks them. */
package io.keel.bootstrap.internal.discovery;

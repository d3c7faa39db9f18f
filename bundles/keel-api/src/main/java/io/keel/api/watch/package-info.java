/** etcd's watch as plain Java: events, what a watcher asks for, and where its events go. */
package io.keel.api.watch;

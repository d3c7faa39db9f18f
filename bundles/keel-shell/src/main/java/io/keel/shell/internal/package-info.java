/** Plain-Java helpers of the keel:* console commands: ID parsing, key ranges, etcdctl-style output, bounded waits. */
package io.keel.shell.internal;

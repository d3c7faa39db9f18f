/** Checkers for what clients recorded: linearizable key-value histories, watch streams, lease expiry. */
package io.keel.testsupport.history;

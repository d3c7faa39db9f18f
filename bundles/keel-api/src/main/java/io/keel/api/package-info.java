/** Keel's shared vocabulary: errors, server service interface and cluster model; plain Java only. */
package io.keel.api;

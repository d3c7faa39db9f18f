/** How a member's initial cluster is decided (static, DNS SRV, discovery): the seam keel-bootstrap implements. */
package io.keel.api.bootstrap;

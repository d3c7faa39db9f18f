/** Plain-Java core of keel-tls: PEM reading, the loaded material, its file watch, and the reloading key and trust managers. */
package io.keel.tls.internal;

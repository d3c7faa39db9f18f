/** The metrics listeners' plain-Java core: Jetty connectors, the servlet mounts and the built-in endpoints. */
package io.keel.http.internal;

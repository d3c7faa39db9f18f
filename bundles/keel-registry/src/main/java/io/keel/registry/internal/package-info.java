/** The service registry's plain-Java core: Consul's registration and catalog vocabulary over keel-api's KV, leases and watch, the health checks and their ownership. No OSGi, no servlet types. */
package io.keel.registry.internal;

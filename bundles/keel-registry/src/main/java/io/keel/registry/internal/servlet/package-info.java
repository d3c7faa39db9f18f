/** The Consul HTTP API as a servlet (mounted on keel-http at /v1). */
package io.keel.registry.internal.servlet;

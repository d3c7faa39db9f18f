/** DS component: the member's keel-api services -> the registry core -> a servlet on keel-http's whiteboard. */
package io.keel.registry.internal.osgi;

/** The DS component that registers the console servlet on keel-http's whiteboard at /ui. */
package io.keel.console.internal.osgi;

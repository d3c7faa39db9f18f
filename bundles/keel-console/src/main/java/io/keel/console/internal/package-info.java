/** The web console's plain-Java core: its JSON API over the keel-api services, value previews, the key tree, watch feeds and the static assets. No OSGi, no servlet types. */
package io.keel.console.internal;

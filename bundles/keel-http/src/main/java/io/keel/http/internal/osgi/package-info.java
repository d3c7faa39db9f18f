/** DS components: the member's configuration and the keel.http.path servlet services onto the listeners. */
package io.keel.http.internal.osgi;

/** The appliance's exit policy: how the Karaf process ends when the member must end. */
package io.keel.launcher.internal.osgi;

/** The DS component that offers the strategies as keel-api's InitialMembership. */
package io.keel.bootstrap.internal.osgi;

/** The DS component behind the Karaf feature keel-dns. */
package io.keel.dns.osgi;

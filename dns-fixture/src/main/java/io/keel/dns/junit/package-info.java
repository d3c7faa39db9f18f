/** The JUnit 5 extension that embeds the DNS fixture in a test. */
package io.keel.dns.junit;

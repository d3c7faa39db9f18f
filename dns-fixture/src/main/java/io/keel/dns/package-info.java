/** A dnsmasq-like authoritative DNS server for tests, demos and one-host clusters: config, answers, UDP/TCP, reload. */
package io.keel.dns;

package io.keel.dns.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The Karaf feature keel-dns: etc/io.keel.dns.cfg. */
@ObjectClassDefinition(id = "io.keel.dns", name = "Keel DNS fixture",
    description = "A dnsmasq-like DNS server for demos and one-host clusters, serving a dnsmasq-style file.")
public @interface DnsFixtureConfig {
  @AttributeDefinition(name = "conf", description = "dnsmasq-style file to serve; reloaded when it changes.")
  String conf();

  @AttributeDefinition(name = "port", description = "UDP and TCP port (overrides port= in the file).")
  int port() default 15353;

  @AttributeDefinition(name = "listen-address", description = "Address to listen on (overrides listen-address= in the file).")
  String listen$_$address() default "127.0.0.1";

  @AttributeDefinition(name = "poll-ms", description = "How often to look for changes of the file, in milliseconds.")
  long poll$_$ms() default 1000;
}

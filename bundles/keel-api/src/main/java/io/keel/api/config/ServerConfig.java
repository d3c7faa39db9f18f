package io.keel.api.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one definition of every key a Keel member reads (ConfigAdmin PID {@code io.keel.server}):
 * its name, its default and its description. Names are etcd 3.4's flag names, spelled the DS 1.4
 * way ({@code listen$_$client$_$urls()} is {@code listen-client-urls}); defaults are etcd's.
 *
 * <p>Read by the DS components as their typed configuration, by {@link KeelConfig} for the key
 * list and defaults, by Karaf's metatype (so {@code config:*} commands describe each key), and by
 * bin/keel's launcher for its usage text (from the generated metatype document). Every value is a
 * string here, as in etc/io.keel.server.cfg and in {@code ETCD_*} variables: {@link KeelConfig}
 * parses and checks each one with a message that names its key. An empty default means etcd
 * derives the value from other keys (the description says how).
 */
@ObjectClassDefinition(pid = "io.keel.server", name = "Keel server",
    description = "A Keel member: etcd 3.4's flags and defaults. ETCD_<KEY> environment variables and "
        + "bin/keel's flags take precedence over these values.")
public @interface ServerConfig {

  @AttributeDefinition(name = "name", description = "Human-readable name of this member; must appear in initial-cluster.")
  String name() default "default";

  @AttributeDefinition(name = "data-dir", required = false,
      description = "Directory of the member's data (Raft log, snapshots, metadata). Default: <name>.etcd.")
  String data$_$dir() default "";

  @AttributeDefinition(name = "listen-client-urls",
      description = "URLs to serve clients (etcd v3 gRPC) on, comma-separated.")
  String listen$_$client$_$urls() default "http://localhost:2379";

  @AttributeDefinition(name = "advertise-client-urls",
      description = "Client URLs advertised to clients and the rest of the cluster, comma-separated.")
  String advertise$_$client$_$urls() default "http://localhost:2379";

  @AttributeDefinition(name = "listen-peer-urls",
      description = "URLs to serve peer (Raft) traffic on, comma-separated.")
  String listen$_$peer$_$urls() default "http://localhost:2380";

  @AttributeDefinition(name = "initial-advertise-peer-urls",
      description = "Peer URLs advertised to the cluster, comma-separated; must equal this member's entry in initial-cluster.")
  String initial$_$advertise$_$peer$_$urls() default "http://localhost:2380";

  @AttributeDefinition(name = "initial-cluster", required = false,
      description = "name=peer-url pairs for bootstrapping, comma-separated. Default: <name>=<initial-advertise-peer-urls>.")
  String initial$_$cluster() default "";

  @AttributeDefinition(name = "initial-cluster-state",
      description = "new (bootstrap a new cluster) or existing (join a running one).")
  String initial$_$cluster$_$state() default "new";

  @AttributeDefinition(name = "initial-cluster-token",
      description = "Token that keeps clusters bootstrapped from the same URLs apart.")
  String initial$_$cluster$_$token() default "etcd-cluster";

  @AttributeDefinition(name = "discovery-srv", required = false,
      description = "DNS domain to bootstrap the initial cluster from: the SRV records _etcd-server-ssl._tcp.<domain> (https) "
          + "and _etcd-server._tcp.<domain> (http), combined. Excludes initial-cluster.")
  String discovery$_$srv() default "";

  @AttributeDefinition(name = "discovery-srv-name", required = false,
      description = "Suffix of the SRV service names discovery-srv queries: _etcd-server-ssl-<name>._tcp and _etcd-server-<name>._tcp.")
  String discovery$_$srv$_$name() default "";

  @AttributeDefinition(name = "discovery-dns-server", required = false,
      description = "Keel only: host:port of the DNS server discovery-srv asks (SRV records and their targets), instead of "
          + "the system resolver (/etc/resolv.conf, /etc/hosts), e.g. a DNS fixture on an unprivileged port.")
  String discovery$_$dns$_$server() default "";

  @AttributeDefinition(name = "heartbeat-interval", description = "Time between leader heartbeats, in milliseconds.")
  String heartbeat$_$interval() default "100";

  @AttributeDefinition(name = "election-timeout",
      description = "Time a follower waits for a leader before starting an election, in milliseconds; at least 5 x heartbeat-interval.")
  String election$_$timeout() default "1000";

  @AttributeDefinition(name = "snapshot-count",
      description = "Committed Raft log entries between snapshots to disk, a count.")
  String snapshot$_$count() default "100000";

  @AttributeDefinition(name = "max-request-bytes", description = "Largest client request, in bytes (1.5 MiB).")
  String max$_$request$_$bytes() default "1572864";

  @AttributeDefinition(name = "max-txn-ops", description = "Most operations in one transaction, a count.")
  String max$_$txn$_$ops() default "128";

  @AttributeDefinition(name = "quota-backend-bytes",
      description = "Backend size quota, in bytes; past it the NOSPACE alarm refuses writes. 0 means 2 GiB; at most 8 GiB.")
  String quota$_$backend$_$bytes() default "0";

  @AttributeDefinition(name = "experimental-watch-progress-notify-interval",
      description = "Period of progress notifications to idle watchers that asked for them, a duration such as 10m, 30s or 500ms.")
  String experimental$_$watch$_$progress$_$notify$_$interval() default "10m";

  // Security (etcd's names): https:// listen URLs serve TLS with these files; http:// ones ignore them.

  @AttributeDefinition(name = "cert-file", required = false,
      description = "Path to the client server TLS certificate file (PEM, leaf first, chain after). Re-read when it changes.")
  String cert$_$file() default "";

  @AttributeDefinition(name = "key-file", required = false,
      description = "Path to the client server TLS key file (PEM: PKCS#1, PKCS#8 or SEC1). Re-read when it changes.")
  String key$_$file() default "";

  @AttributeDefinition(name = "client-cert-auth",
      description = "Enable client certificate authentication: clients must present a certificate signed by trusted-ca-file (true or false).")
  String client$_$cert$_$auth() default "false";

  @AttributeDefinition(name = "trusted-ca-file", required = false,
      description = "Path to the client server TLS trusted CA certificate file (PEM); setting it also requires client certificates, as etcd does.")
  String trusted$_$ca$_$file() default "";

  @AttributeDefinition(name = "client-crl-file", required = false,
      description = "Path to the client certificate revocation list file (PEM or DER); a revoked client certificate is refused.")
  String client$_$crl$_$file() default "";

  @AttributeDefinition(name = "auto-tls",
      description = "Client TLS using a generated self-signed certificate in <data-dir>/fixtures/client (true or false); ignored when cert-file is set.")
  String auto$_$tls() default "false";

  @AttributeDefinition(name = "peer-cert-file", required = false,
      description = "Path to the peer server TLS certificate file (PEM); also presented as the client certificate to other peers.")
  String peer$_$cert$_$file() default "";

  @AttributeDefinition(name = "peer-key-file", required = false,
      description = "Path to the peer server TLS key file (PEM).")
  String peer$_$key$_$file() default "";

  @AttributeDefinition(name = "peer-client-cert-auth",
      description = "Enable peer client certificate authentication: peers must present a certificate signed by peer-trusted-ca-file (true or false).")
  String peer$_$client$_$cert$_$auth() default "false";

  @AttributeDefinition(name = "peer-trusted-ca-file", required = false,
      description = "Path to the peer server TLS trusted CA file (PEM); peers' certificates are checked against it.")
  String peer$_$trusted$_$ca$_$file() default "";

  @AttributeDefinition(name = "peer-crl-file", required = false,
      description = "Path to the peer certificate revocation list file (PEM or DER).")
  String peer$_$crl$_$file() default "";

  @AttributeDefinition(name = "peer-auto-tls",
      description = "Peer TLS using generated self-signed certificates in <data-dir>/fixtures/peer (true or false); ignored when peer-cert-file is set.")
  String peer$_$auto$_$tls() default "false";

  @AttributeDefinition(name = "peer-cert-allowed-cn", required = false,
      description = "Allowed CN for inter-peer authentication: a peer's certificate must have exactly this common name.")
  String peer$_$cert$_$allowed$_$cn() default "";

  @AttributeDefinition(name = "peer-cert-allowed-hostname", required = false,
      description = "Allowed TLS hostname for inter-peer authentication: a peer's certificate must be valid for this name.")
  String peer$_$cert$_$allowed$_$hostname() default "";

  @AttributeDefinition(name = "cipher-suites", required = false,
      description = "Comma-separated TLS 1.2 cipher suites (Go's names, as etcd takes them) for client and peer TLS; empty means the defaults.")
  String cipher$_$suites() default "";

  @AttributeDefinition(name = "auth-token",
      description = "Token kind Authenticate hands out: 'simple' (random, held by every member, expires after auth-token-ttl of disuse) "
          + "or 'jwt,pub-key=FILE,priv-key=FILE,sign-method=RS256|ES256|PS256|HS256|...,ttl=5m' (signed, verifiable on every member holding the key).")
  String auth$_$token() default "simple";

  @AttributeDefinition(name = "auth-token-ttl", description = "Time a simple token lives unused, in seconds.")
  String auth$_$token$_$ttl() default "300";

  @AttributeDefinition(name = "bcrypt-cost",
      description = "Cost of the bcrypt hashes of user passwords, a number from 4 to 31.")
  String bcrypt$_$cost() default "10";

  @AttributeDefinition(name = "discovery", required = false,
      description = "Discovery URL to bootstrap the initial cluster from (etcd's v2 discovery protocol, e.g. "
          + "http://host:2379/v2/keys/discovery/<token>); it also serves as the cluster token. Excludes initial-cluster and discovery-srv.")
  String discovery() default "";

  @AttributeDefinition(name = "discovery-fallback",
      description = "What to do when the discovery service says the cluster is full: 'exit' (etcd's 'proxy' is refused: Keel has no v2 proxy).")
  String discovery$_$fallback() default "exit";

  @AttributeDefinition(name = "discovery-proxy", required = false,
      description = "HTTP proxy to reach the discovery service through (host:port or http://host:port).")
  String discovery$_$proxy() default "";

  @AttributeDefinition(name = "discovery-retries",
      description = "Keel only: how many times discovery retries an unreachable discovery service (backing off 2 s, 4 s, 8 s ... up to 256 s, as etcd) before it fails.")
  String discovery$_$retries() default "8";

  @AttributeDefinition(name = "discovery-token", required = false,
      description = "etcd 3.6's v3 discovery: the token of the new cluster; members register under /_etcd/registry/<token>/ "
          + "on the discovery-endpoints cluster, where /_etcd/registry/<token>/_config/size holds the size. It also serves as "
          + "the cluster token. Requires discovery-endpoints; excludes initial-cluster, discovery and discovery-srv.")
  String discovery$_$token() default "";

  @AttributeDefinition(name = "discovery-endpoints", required = false,
      description = "v3 discovery: client URLs (or host:port) of the etcd or Keel cluster that serves as the discovery service, "
          + "comma-separated; reached through their v3 JSON gateway on the client port.")
  String discovery$_$endpoints() default "";

  @AttributeDefinition(name = "discovery-dial-timeout", description = "v3 discovery: timeout to connect to an endpoint.")
  String discovery$_$dial$_$timeout() default "2s";

  @AttributeDefinition(name = "discovery-request-timeout",
      description = "v3 discovery: timeout of one request to the discovery service (not of the wait for the other members).")
  String discovery$_$request$_$timeout() default "5s";

  @AttributeDefinition(name = "discovery-user", required = false,
      description = "v3 discovery: user to authenticate as on the discovery service, when it has auth enabled.")
  String discovery$_$user() default "";

  @AttributeDefinition(name = "discovery-password", required = false, description = "v3 discovery: discovery-user's password.")
  String discovery$_$password() default "";

  @AttributeDefinition(name = "enable-v2",
      description = "Serve the etcd v2 API (/v2/keys, /v2/members, /v2/machines, /v2/stats) on the client port (true or false).")
  String enable$_$v2() default "false";

  @AttributeDefinition(name = "listen-metrics-urls", required = false,
      description = "URLs to serve /metrics, /health, /livez, /readyz and /version on (and the web console when installed), "
          + "comma-separated; https:// ones use the client TLS settings (cert-file, key-file, trusted-ca-file ...). Empty: none.")
  String listen$_$metrics$_$urls() default "";

  @AttributeDefinition(name = "dns-listen-address", required = false,
      description = "host:port (UDP and TCP) of the service registry's DNS interface (keel-registry): "
          + "<service>.service.<dns-domain> and <tag>.<service>.service.<dns-domain> answer A and SRV for passing instances. "
          + "Empty: off.")
  String dns$_$listen$_$address() default "";

  @AttributeDefinition(name = "dns-domain",
      description = "The domain the registry's DNS interface answers for (dns-listen-address).")
  String dns$_$domain() default "keel";

  // Live configuration (README "Changing the configuration of a running member"): ConfigChange says which
  // keys change in place.

  @AttributeDefinition(name = "log-level",
      description = "Level of Keel's own loggers (io.keel): debug, info, warn, error, dpanic, panic or fatal. Changes in place.")
  String log$_$level() default "info";

  @AttributeDefinition(name = "auto-compaction-mode",
      description = "How auto-compaction-retention is read: periodic (a duration, hours when no unit is given, e.g. 5m or 1) "
          + "or revision (a count of revisions to keep). Changes in place.")
  String auto$_$compaction$_$mode() default "periodic";

  @AttributeDefinition(name = "auto-compaction-retention",
      description = "Auto compaction retention for the MVCC store: in periodic mode a duration (a bare number is hours), "
          + "in revision mode a number of revisions; 0 disables auto compaction. Changes in place.")
  String auto$_$compaction$_$retention() default "0";
}

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
}

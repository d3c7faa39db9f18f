package io.keel.console.internal;

import io.keel.api.Auth;
import io.keel.api.Cluster;
import io.keel.api.Kv;
import io.keel.api.Leases;
import io.keel.api.Maintenance;
import io.keel.api.Watchable;

/** The local member's keel-api services, all the console uses (in Keel one object implements them all). */
public record ConsoleServices(Kv kv, Watchable watchable, Leases leases, Cluster cluster, Maintenance maintenance,
    Auth auth) {}

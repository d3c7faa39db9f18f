/** Server configuration under etcd's own flag names, from ConfigAdmin and {@code ETCD_*} environment variables. */
package io.keel.api.config;

/** TLS for Keel's listeners: etcd's TLS settings turned into SSL engines whose files are re-read when they change. */
package io.keel.tls;

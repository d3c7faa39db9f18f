/**
 * bbolt's file format (etcd 3.4's backend and the body of its snapshot file): {@link io.keel.bbolt.BoltReader}
 * reads and validates one, {@link io.keel.bbolt.BoltWriter} streams a new one. Pages only: what etcd's buckets
 * mean is the caller's business. The page codec is package-private here rather than in an internal package
 * because nothing else needs it and the public classes are thin over it.
 */
package io.keel.bbolt;

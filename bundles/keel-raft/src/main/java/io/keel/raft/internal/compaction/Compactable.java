package io.keel.raft.internal.compaction;

/**
 * Compacts the store at a revision the way a client's Compact does (through the log, so every
 * member compacts at the same point), returning once it is applied.
 */
@FunctionalInterface
public interface Compactable {
  /** @throws io.keel.api.EtcdException as a client's Compact fails (COMPACTED counts as done) */
  void compact(long revision) throws Exception;
}

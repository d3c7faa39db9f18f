package io.keel.mvcc;

import java.io.IOException;

/**
 * The store frozen at one revision, to be exported while writes go on (a Raft snapshot written off
 * the apply thread): the revision, the compaction revision and the lease table are taken when the
 * view is opened; the keys are read at that revision when {@link #export} walks them, with no lock,
 * as a read at an older revision is. Writes after the view are not in it. A compaction waits until
 * every open view is closed (it would trim versions a view has yet to read), so close it promptly,
 * from any thread.
 */
public interface StoreView extends AutoCloseable {
  /** The store revision the view shows. */
  long revision();

  /** Hands the view to {@code sink} (see {@link StoreSink} for the order); once per view. */
  void export(StoreSink sink) throws IOException;

  /** Lets compaction proceed again; idempotent. */
  @Override
  void close();
}

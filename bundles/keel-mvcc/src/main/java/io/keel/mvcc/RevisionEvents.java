package io.keel.mvcc;

import io.keel.api.watch.Event;
import java.util.List;

/** The events of one revision, in the order they happened (etcd's sub-revision order). */
public record RevisionEvents(long revision, List<Event> events) {}

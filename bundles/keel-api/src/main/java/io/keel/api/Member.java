package io.keel.api;

import java.util.List;

/** One cluster member as etcd's {@code Member}: name and client URLs are empty until it has started. */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean isLearner) {}

package io.keel.testsupport;

import java.util.List;

/**
 * A request an {@link EtcdClient} sent was refused. {@link #getMessage} is etcd's error text
 * ("etcdserver: no leader"); {@link #answers} is every error the server answered with, which is
 * more than one when the client retried (etcdctl retries reads on "Unavailable" until its own
 * deadline, then reports only "context deadline exceeded").
 */
public final class EtcdException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> answers;

  public EtcdException(String error, List<String> answers) {
    super(error);
    this.answers = List.copyOf(answers);
  }

  public List<String> answers() {
    return answers;
  }
}

package io.keel.raft.internal;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import io.keel.api.EtcdError;
import io.keel.api.EtcdException;

/** How a jraft failure status reads to an etcd client (etcd's own words for the same situations). */
final class RaftErrors {
  private RaftErrors() {}

  static EtcdException toEtcd(Status status) {
    RaftError e = status.getRaftError();
    if (e == null) {
      return EtcdError.TIMEOUT.exception();
    }
    return switch (e) {
      case EBUSY -> EtcdError.TOO_MANY_REQUESTS.exception();
      case EPERM -> EtcdError.NO_LEADER.exception();
      case ELEADERREMOVED, ENEWLEADER, ELEADERCONFLICT, ESTALE -> EtcdError.LEADER_CHANGED.exception();
      case ESHUTDOWN, ENODESHUTDOWN, ESTOP, EHOSTDOWN -> EtcdError.STOPPED.exception();
      default -> EtcdError.TIMEOUT.exception();
    };
  }
}

package io.keel.grpc.internal;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Completes a unary call from a CompletionStage without blocking any thread. */
final class Replies {
  private Replies() {}

  static <T, R> void reply(CompletionStage<T> stage, StreamObserver<R> observer, Function<T, R> toProto) {
    stage.whenComplete((result, error) -> {
      if (error != null) {
        observer.onError(GrpcErrors.toStatus(error));
        return;
      }
      R response;
      try {
        response = toProto.apply(result);
      } catch (RuntimeException e) {
        observer.onError(GrpcErrors.toStatus(e));
        return;
      }
      observer.onNext(response);
      observer.onCompleted();
    });
  }
}

package io.keel.grpc.internal;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Completes a unary call from a CompletionStage without blocking any thread. */
final class Replies {
  private Replies() {}

  /**
   * The call's cancellation as a recipe sees it: set when the client cancels or its deadline
   * passes (installing the handler also makes later replies to a cancelled call no-ops).
   */
  static io.keel.grpc.internal.recipes.Cancellation cancellation(StreamObserver<?> observer) {
    io.keel.grpc.internal.recipes.Cancellation cancellation = new io.keel.grpc.internal.recipes.Cancellation();
    if (observer instanceof io.grpc.stub.ServerCallStreamObserver<?> call) {
      call.setOnCancelHandler(cancellation::cancel);
      if (call.isCancelled()) {
        cancellation.cancel();
      }
    }
    return cancellation;
  }

  static <T, R> void reply(CompletionStage<T> stage, StreamObserver<R> observer, Function<T, R> toProto) {
    reply(stage, observer, toProto, GrpcErrors::toStatus);
  }

  static <T, R> void reply(CompletionStage<T> stage, StreamObserver<R> observer, Function<T, R> toProto,
      Function<Throwable, ? extends RuntimeException> toStatus) {
    stage.whenComplete((result, error) -> {
      if (error != null) {
        observer.onError(toStatus.apply(error));
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

  /**
   * Runs {@code call} as the caller's user ({@link AuthContext#who}); an unknown token fails the
   * call with "invalid auth token" before anything is done.
   */
  static <T, R> void replyAs(java.util.function.Function<io.keel.api.auth.AuthInfo, CompletionStage<T>> call,
      StreamObserver<R> observer, Function<T, R> toProto) {
    replyAs(call, observer, toProto, GrpcErrors::toStatus);
  }

  static <T, R> void replyAs(java.util.function.Function<io.keel.api.auth.AuthInfo, CompletionStage<T>> call,
      StreamObserver<R> observer, Function<T, R> toProto, Function<Throwable, ? extends RuntimeException> toStatus) {
    CompletionStage<T> stage;
    try {
      stage = call.apply(AuthContext.who());
    } catch (RuntimeException e) {
      observer.onError(toStatus.apply(e));
      return;
    }
    reply(stage, observer, toProto, toStatus);
  }
}

package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.AuthUserAddRequest;
import org.junit.jupiter.api.Test;

class AuthServiceTest {

  /** etcdctl 3.4's `user add NAME --no-password` sends options{no_password: true} as field 3. */
  @Test
  void readsNoPasswordFromTheOptionsJetcdDoesNotKnow() throws Exception {
    byte[] options = UnknownFieldSet.newBuilder()
        .addField(AuthService.NO_PASSWORD_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .build().toByteArray();
    byte[] wire = AuthUserAddRequest.newBuilder().setName("cn").build().toBuilder()
        .setUnknownFields(UnknownFieldSet.newBuilder().addField(AuthService.USER_ADD_OPTIONS_FIELD,
            UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(options)).build()).build())
        .build().toByteArray();
    assertTrue(AuthService.noPassword(AuthUserAddRequest.parseFrom(wire)));
    assertFalse(AuthService.noPassword(AuthUserAddRequest.newBuilder().setName("u").setPassword("p").build()));
    byte[] off = AuthUserAddRequest.newBuilder().setName("u").build().toBuilder()
        .setUnknownFields(UnknownFieldSet.newBuilder().addField(AuthService.USER_ADD_OPTIONS_FIELD,
            UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.EMPTY).build()).build())
        .build().toByteArray();
    assertFalse(AuthService.noPassword(AuthUserAddRequest.parseFrom(off)));
  }
}

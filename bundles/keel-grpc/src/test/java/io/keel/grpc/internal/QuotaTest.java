package io.keel.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** etcd's NOSPACE alarm: a tiny quota, writes refused, then compact + defrag + disarm restore service. */
class QuotaTest {

  @Test
  void noSpaceAlarmRefusesWritesUntilDisarmed() throws Exception {
    try (KeelTestNode node = KeelTestNode.start(Map.of("quota-backend-bytes", "20000"))) {
      KVGrpc.KVBlockingStub kv = node.kv();
      MaintenanceGrpc.MaintenanceBlockingStub maintenance = MaintenanceGrpc.newBlockingStub(node.channel());
      ByteString value = ByteString.copyFrom(new byte[1000]);
      StatusRuntimeException full = null;
      long last = 0;
      for (int i = 0; i < 100 && full == null; i++) {
        try {
          last = kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("/q/k")).setValue(value).build())
              .getHeader().getRevision();
        } catch (StatusRuntimeException e) {
          full = e;
        }
      }
      assertTrue(full != null, "the quota is reached");
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, full.getStatus().getCode());
      assertEquals("etcdserver: mvcc: database space exceeded", full.getStatus().getDescription());

      long deadline = System.nanoTime() + 10_000_000_000L;
      AlarmResponse alarms = maintenance.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build());
      while (alarms.getAlarmsCount() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        alarms = maintenance.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build());
      }
      assertEquals(AlarmType.NOSPACE, alarms.getAlarms(0).getAlarm());
      // reads and deletes still work; small writes do not while the alarm is raised
      assertEquals(1, kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/q/k")).build()).getCount());
      assertThrows(StatusRuntimeException.class, () -> kv.put(PutRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8("/q/tiny")).setValue(ByteString.copyFromUtf8("x")).build()));

      kv.compact(CompactionRequest.newBuilder().setRevision(last).build());
      maintenance.defragment(DefragmentRequest.getDefaultInstance());
      AlarmResponse cleared = maintenance.alarm(AlarmRequest.newBuilder()
          .setAction(AlarmRequest.AlarmAction.DEACTIVATE).setMemberID(alarms.getAlarms(0).getMemberID())
          .setAlarm(AlarmType.NOSPACE).build());
      assertEquals(1, cleared.getAlarmsCount());
      assertEquals(0, maintenance.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build())
          .getAlarmsCount());
      kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("/q/after")).setValue(ByteString.copyFromUtf8("ok"))
          .build());
      kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("/q/after")).build());
    }
  }
}

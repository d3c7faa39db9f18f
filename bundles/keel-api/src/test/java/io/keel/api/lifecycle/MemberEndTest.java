package io.keel.api.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class MemberEndTest {

  @Test
  void aStartFailureIsOneLineWithItsRootCause() {
    IOException bind = new IOException("Failed to bind to address /127.0.0.1:2379",
        new IOException("bind(..) failed with error(-98): Address already in use\n  at native"));
    MemberEnd end = MemberEnd.startFailed("serving clients on [http://127.0.0.1:2379]", bind);
    assertEquals(MemberEnd.Reason.START_FAILED, end.reason());
    assertEquals("serving clients on [http://127.0.0.1:2379]: Failed to bind to address /127.0.0.1:2379: bind(..) failed with error(-98): Address already in use",
        end.message());
  }

  @Test
  void onlyTheFirstLineOfAMessageIsKept() {
    MemberEnd end = MemberEnd.startFailed(null, new IllegalArgumentException("invalid configuration: x\nmore"));
    assertEquals("invalid configuration: x", end.message());
  }

  @Test
  void aCauseAlreadyToldIsNotRepeated() {
    Exception e = new Exception("port taken: in use", new Exception("in use"));
    assertEquals("port taken: in use", MemberEnd.startFailed(null, e).message());
  }
}

package io.keel.itests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.itests.conformance.CaseFile.Mode;
import io.keel.itests.conformance.CaseFile.Step;
import io.keel.itests.conformance.CaseFile.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The case-file format, the known-differences file, and the case files shipped under cases/. */
class CaseFileTest {

  @Test
  void parsesStepsStdinAndMacros() {
    CaseFile f = CaseFile.parse("g", """
        # comment
        case one
        $ etcdctl put "a key" 'a value'
        $ etcdctl txn
        | value("k") = "v"
        |
        |repeat 2 put k${i} v
        |fill 3 x
        case two
        $ stream 2 events curl POST /v3/watch '{"create_request":{}}'
        $ retry "expired" etcdctl lease timetolive ${LEASE_1}
        """);
    assertEquals(List.of("one", "two"), f.cases().stream().map(CaseFile.Case::name).toList());
    Step put = f.cases().get(0).steps().get(0);
    assertEquals(List.of("put", "a key", "a value"), put.args());
    assertNull(put.stdin());
    assertEquals("value(\"k\") = \"v\"\n\nput k1 v\nput k2 v\nxxx\n", f.cases().get(0).steps().get(1).stdin());
    Step watch = f.cases().get(1).steps().get(0);
    assertEquals(Mode.STREAM, watch.mode());
    assertEquals(2, watch.count());
    assertEquals(Unit.EVENTS, watch.unit());
    assertEquals(List.of("POST", "/v3/watch", "{\"create_request\":{}}"), watch.args());
    Step retry = f.cases().get(1).steps().get(1);
    assertEquals(Mode.RETRY, retry.mode());
    assertEquals("expired", retry.until());
  }

  @Test
  void rejectsWhatItDoesNotUnderstand() {
    assertThrows(IllegalArgumentException.class, () -> CaseFile.parse("g", "$ etcdctl get k\n"));
    assertThrows(IllegalArgumentException.class, () -> CaseFile.parse("g", "case c\n$ rm -rf /\n"));
    assertThrows(IllegalArgumentException.class, () -> CaseFile.parse("g", "case c\n"));
    assertThrows(IllegalArgumentException.class, () -> CaseFile.parse("g", "case c\n$ etcdctl put 'k v\n"));
    assertThrows(IllegalArgumentException.class, () -> CaseFile.parse("g", "case c\n$ curl GET\n"));
    assertThrows(IllegalArgumentException.class, () -> CaseFile.parse("g", "case c\nput k v\n"));
  }

  @Test
  void countsLinesOrWatchEvents() {
    assertEquals(2, Steps.count("PUT\nk\n", Unit.LINES));
    assertEquals(2, Steps.count("{\"Events\":[{\"kv\":{}},{\"kv\":{},\"prev_kv\":{}}]}\n", Unit.EVENTS));
  }

  @Test
  void knownDifferencesNeedAReasonAndNameEachCaseOnce() {
    assertEquals("why", KnownDifferences.parse("# c\nx: why\n").reason("x").orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> KnownDifferences.parse("x\n"));
    assertThrows(IllegalArgumentException.class, () -> KnownDifferences.parse("x:  \n"));
    assertThrows(IllegalArgumentException.class, () -> KnownDifferences.parse("x: a\nx: b\n"));
  }

  @Test
  void shippedCaseFilesParseAndEveryKnownDifferenceNamesACase() {
    List<CaseFile> files = ConformanceIT.caseFiles();
    assertTrue(files.size() >= 7, "case files: " + files.size());
    ConformanceIT.checkNames(files, KnownDifferences.load());
  }
}

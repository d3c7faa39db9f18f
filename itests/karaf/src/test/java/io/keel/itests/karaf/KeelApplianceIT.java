package io.keel.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import org.apache.karaf.features.Feature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The appliance as shipped: the keel feature is installed at boot, every Keel DS component is
 * satisfied, and the real etcdctl can put, get and run a transaction against it over gRPC.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KeelApplianceIT extends KeelTestSupport {

  @Test
  public void keelFeatureIsInstalled() throws Exception {
    Feature keel = featuresService.getFeature("keel");
    assertNotNull("no keel feature in the appliance's repositories", keel);
    assertTrue("keel feature is not installed", featuresService.isInstalled(keel));
    assertEquals("keel bundles: " + describeKeelComponents(), 4, keelBundles().size());
  }

  @Test
  public void everyKeelComponentIsSatisfied() throws Exception {
    assertKeelComponentsSatisfied(EXPECTED_COMPONENTS, 60_000);
  }

  @Test
  public void putGetAndTxnThroughEtcdctl() throws Exception {
    assertKeelComponentsSatisfied(EXPECTED_COMPONENTS, 60_000);
    waitHealthy(30_000);

    Result put = etcdctl(null, "put", "foo", "bar");
    assertEquals(put.toString(), 0, put.exitCode);
    assertEquals("OK", put.stdout);

    Result get = etcdctl(null, "get", "foo");
    assertEquals(get.toString(), 0, get.exitCode);
    assertEquals("foo\nbar", get.stdout);

    // compares, blank line, success ops, blank line, failure ops, blank line (etcdctl's txn syntax)
    Result txn = etcdctl("value(\"foo\") = \"bar\"\n\nput foo baz\n\nput foo qux\n\n", "txn");
    assertEquals(txn.toString(), 0, txn.exitCode);
    assertEquals("SUCCESS\n\nOK", txn.stdout);

    Result failed = etcdctl("value(\"foo\") = \"bar\"\n\nput foo baz\n\nput foo qux\n\n", "txn");
    assertEquals(failed.toString(), 0, failed.exitCode);
    assertEquals("FAILURE\n\nOK", failed.stdout);

    Result after = etcdctl(null, "get", "foo");
    assertEquals(after.toString(), "foo\nqux", after.stdout);
  }
}

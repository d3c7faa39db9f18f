package io.keel.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.inject.Inject;
import org.apache.karaf.features.Feature;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The appliance as shipped: the keel feature is installed at boot, every Keel DS component is
 * satisfied, the server's configuration is described by metatype, and the real etcdctl can put, get and run a transaction against it over gRPC.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KeelApplianceIT extends KeelTestSupport {

  @Inject private MetaTypeService metaType;

  @Test
  public void keelFeatureIsInstalled() throws Exception {
    Feature keel = featuresService.getFeature("keel");
    assertNotNull("no keel feature in the appliance's repositories", keel);
    assertTrue("keel feature is not installed", featuresService.isInstalled(keel));
    // the keel feature's nine bundles (api, tls, mvcc, auth, bootstrap, rocksdb, bbolt, raft, grpc), keel-launcher
    // (its exit policy) from keel-appliance, keel-shell, keel-http, keel-console, keel-registry; keel-tls is
    // active only if its BouncyCastle bundles resolved
    assertEquals("keel bundles: " + describeKeelComponents(), 14, keelBundles().size());
    assertTrue("keel-registry feature is not installed", featuresService.isInstalled(featuresService.getFeature("keel-registry")));
    assertTrue("keel-console feature is not installed", featuresService.isInstalled(featuresService.getFeature("keel-console")));
    assertTrue("keel-shell feature is not installed", featuresService.isInstalled(featuresService.getFeature("keel-shell")));
  }

  /**
   * Karaf's config:* commands (and any console) describe io.keel.server from the metatype: every
   * key with etcd's default and a description that gives its unit.
   */
  @Test
  public void serverConfigurationIsDescribedByMetatype() throws Exception {
    Bundle api = keelBundles().stream().filter(b -> b.getSymbolicName().equals("io.keel.api")).findFirst()
        .orElseThrow(() -> new AssertionError("no io.keel.api bundle"));
    MetaTypeInformation info = metaType.getMetaTypeInformation(api);
    assertNotNull("no metatype in io.keel.api", info);
    assertTrue("io.keel.server not among " + Arrays.toString(info.getPids()),
        Arrays.asList(info.getPids()).contains("io.keel.server"));
    ObjectClassDefinition ocd = info.getObjectClassDefinition("io.keel.server", null);
    Map<String, AttributeDefinition> byKey = new HashMap<>();
    for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
      byKey.put(ad.getID(), ad);
      assertTrue(ad.getID() + " has no description", ad.getDescription() != null && !ad.getDescription().isBlank());
    }
    for (String key : Arrays.asList("name", "data-dir", "listen-client-urls", "listen-peer-urls", "initial-cluster",
        "initial-cluster-state", "heartbeat-interval", "election-timeout", "max-request-bytes", "quota-backend-bytes",
        "experimental-watch-progress-notify-interval")) {
      assertNotNull(key + " not described; described: " + byKey.keySet(), byKey.get(key));
    }
    assertEquals("100", byKey.get("heartbeat-interval").getDefaultValue()[0]);
    assertTrue(byKey.get("heartbeat-interval").getDescription(),
        byKey.get("heartbeat-interval").getDescription().contains("milliseconds"));
    assertTrue(byKey.get("max-request-bytes").getDescription(),
        byKey.get("max-request-bytes").getDescription().contains("bytes"));
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

package io.keel.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keel.api.Alarm;
import io.keel.api.Health;
import io.keel.api.Maintenance;
import io.keel.api.ResponseHeader;
import io.keel.api.ServerStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class HealthServletsTest {
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile Health.Status linearizable = Health.Status.HEALTHY;
  private volatile List<Alarm> alarms = List.of();

  private final Health health = new Health() {
    @Override
    public CompletionStage<Status> check(Set<String> excludedAlarms) {
      for (Alarm a : alarms) {
        if (!excludedAlarms.contains(a.type().name())) {
          return CompletableFuture.completedFuture(Status.unhealthy("ALARM " + a.type().name()));
        }
      }
      return CompletableFuture.supplyAsync(() -> linearizable);
    }

    @Override
    public CompletionStage<Status> linearizableRead() {
      return CompletableFuture.supplyAsync(() -> linearizable);
    }

    @Override
    public CompletionStage<Status> serializableRead() {
      return CompletableFuture.completedFuture(Status.HEALTHY);
    }
  };

  private final Maintenance maintenance = (Maintenance) java.lang.reflect.Proxy.newProxyInstance(
      Maintenance.class.getClassLoader(), new Class<?>[] {Maintenance.class}, (proxy, method, args) -> switch (
          method.getName()) {
        case "alarms" -> alarms;
        case "status" -> new ServerStatus("3.4.0", 0, 0, 1, 1, 1, 1, false, List.of());
        case "header" -> new ResponseHeader(1, 1, 1, 1);
        default -> throw new UnsupportedOperationException(method.getName());
      });

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthLivezReadyzAndVersionAnswerAsEtcd() throws Exception {
    try (HttpListeners l = new HttpListeners(List.of(URI.create("http://127.0.0.1:0")), null,
        HealthServlets.all(health, maintenance, new MetricsRenderer())).start()) {
      int port = l.boundAddresses().get(0).getPort();
      assertEquals(200, get(port, "/health").statusCode());
      assertEquals("{\"health\":\"true\",\"reason\":\"\"}", get(port, "/health").body());
      assertEquals("ok\n", get(port, "/livez").body());
      assertEquals("ok\n", get(port, "/readyz").body());
      assertEquals("[+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\nok\n",
          get(port, "/readyz?verbose").body());
      assertEquals("{\"etcdserver\":\"3.4.0\",\"etcdcluster\":\"3.4.0\"}", get(port, "/version").body());

      linearizable = Health.Status.unhealthy("RAFT NO LEADER");
      HttpResponse<String> h = get(port, "/health");
      assertEquals(503, h.statusCode());
      assertEquals("{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}\n", h.body());
      HttpResponse<String> ready = get(port, "/readyz");
      assertEquals(503, ready.statusCode());
      assertEquals("[+]data_corruption ok\n[+]serializable_read ok\n[-]linearizable_read failed: RAFT NO LEADER\n"
          + "readyz check failed\n", ready.body());
      assertEquals(200, get(port, "/readyz?exclude=linearizable_read").statusCode());
      assertEquals(503, get(port, "/readyz/linearizable_read").statusCode());
      assertEquals(200, get(port, "/readyz/serializable_read").statusCode());
      assertEquals(404, get(port, "/readyz/no_such_check").statusCode());
      assertEquals(200, get(port, "/livez").statusCode(), "a member without quorum is still alive");

      linearizable = Health.Status.HEALTHY;
      alarms = List.of(new Alarm(1, Alarm.Type.NOSPACE));
      assertEquals("{\"health\":\"false\",\"reason\":\"ALARM NOSPACE\"}\n", get(port, "/health").body());
      assertEquals(200, get(port, "/health?exclude=NOSPACE").statusCode());
      alarms = List.of(new Alarm(1, Alarm.Type.CORRUPT));
      assertTrue(get(port, "/readyz").body().contains("[-]data_corruption failed: alarm activated: CORRUPT\n"));

      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
      assertTrue(get(port, "/metrics").body().contains("# TYPE process_cpu_seconds_total counter"));
    }
  }
}

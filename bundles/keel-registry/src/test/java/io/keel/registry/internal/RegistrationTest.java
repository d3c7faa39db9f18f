package io.keel.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistrationTest {
  private final Registration registration = new Registration(new ObjectMapper());

  private ServiceDefinition parse(String json) {
    return registration.parse(json.getBytes(StandardCharsets.UTF_8), "m1", "127.0.0.1");
  }

  @Test
  void readsConsulsFieldsAndNamesChecksAsConsulDoes() {
    ServiceDefinition d = parse("""
        {"ID":"web1","Name":"web","Tags":["a","b"],"Address":"10.0.0.1","Port":8080,"Meta":{"v":"1"},
         "Checks":[{"HTTP":"http://127.0.0.1:8080/health","Interval":"1s","Timeout":"500ms",
                    "DeregisterCriticalServiceAfter":"1m"},{"TTL":"15s"},{"tcp":"127.0.0.1:8080","interval":"2s"}]}""");
    assertEquals("web1", d.id());
    assertEquals("web", d.name());
    assertEquals(List.of("a", "b"), d.tags());
    assertEquals(Map.of("v", "1"), d.meta());
    assertEquals(8080, d.port());
    assertEquals(List.of("service:web1:1", "service:web1:2", "service:web1:3"),
        d.checks().stream().map(CheckDefinition::checkId).toList());
    CheckDefinition http = d.checks().get(0);
    assertEquals(CheckKind.HTTP, http.kind());
    assertEquals(1000, http.intervalMs());
    assertEquals(500, http.timeoutMs());
    assertEquals(60_000, http.deregisterAfterMs());
    assertEquals(HealthStatus.CRITICAL, http.initialStatus());
    assertEquals(15_000, d.checks().get(1).ttlMs());
    assertEquals(CheckKind.TCP, d.checks().get(2).kind());
  }

  @Test
  void oneCheckIsServiceColonIdAndTheIdDefaultsToTheName() {
    ServiceDefinition d = parse("{\"Name\":\"web\",\"Check\":{\"TTL\":\"10s\",\"Status\":\"passing\"}}");
    assertEquals("web", d.id());
    assertEquals("service:web", d.checks().get(0).checkId());
    assertEquals(HealthStatus.PASSING, d.checks().get(0).initialStatus());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"Name\":\"web\"                                         | Request decode failed: ",
      "[1,2]                                                     | Request decode failed: the body must be a JSON object",
      "{\"ID\":\"x\"}                                             | Missing service name",
      "{\"Name\":\"web\",\"Port\":\"80\"}                         | Request decode failed: port: expected an integer from 0 to 65535",
      "{\"Name\":\"web\",\"Check\":{\"Args\":[\"/bin/true\"],\"Interval\":\"1s\"}} | Invalid check: check kind args is not supported (Keel runs HTTP, TCP and TTL checks)",
      "{\"Name\":\"web\",\"Check\":{\"GRPC\":\"127.0.0.1:1\",\"Interval\":\"1s\"}} | Invalid check: check kind grpc is not supported (Keel runs HTTP, TCP and TTL checks)",
      "{\"Name\":\"web\",\"Check\":{}}                            | Invalid check: TTL must be > 0 for TTL checks",
      "{\"Name\":\"web\",\"Check\":{\"HTTP\":\"http://x/\"}}      | Invalid check: Interval must be > 0 for Script, HTTP, or TCP checks",
      "{\"Name\":\"web\",\"Check\":{\"TTL\":\"1s\",\"Interval\":\"1s\"}} | Invalid check: Interval and TTL cannot both be specified",
      "{\"Name\":\"web\",\"Check\":{\"TTL\":\"soon\"}}            | Request decode failed: ttl: time: invalid duration \"soon\"",
      "{\"Name\":\"a/b\"}                                        | Invalid service: ID and Name must not contain '/'",
  })
  void refusesWithConsulsWords(String body, String message) {
    BadRequest e = assertThrows(BadRequest.class, () -> parse(body));
    assertEquals(400, e.status());
    if (message.endsWith(":")) { // Jackson's own words follow
      assertEquals(message, e.getMessage().substring(0, message.length()));
    } else {
      assertEquals(message, e.getMessage());
    }
  }

  @Test
  void tagsAreLimited() {
    String ok = "{\"Name\":\"web\",\"Tags\":[" + "\"t\",".repeat(Registration.MAX_TAGS - 1) + "\"t\"]}";
    assertEquals(Registration.MAX_TAGS, parse(ok).tags().size());
    String many = "{\"Name\":\"web\",\"Tags\":[" + "\"t\",".repeat(Registration.MAX_TAGS) + "\"t\"]}";
    assertEquals("Invalid service: at most 64 tags, got 65", assertThrows(BadRequest.class, () -> parse(many)).getMessage());
    String longTag = "{\"Name\":\"web\",\"Tags\":[\"" + "x".repeat(Registration.MAX_TAG_BYTES + 1) + "\"]}";
    assertEquals("Invalid service: a tag is longer than 255 characters",
        assertThrows(BadRequest.class, () -> parse(longTag)).getMessage());
  }
}

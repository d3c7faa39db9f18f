package io.keel.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AuthTokenSpecTest {

  @Test
  void jwtOptionsAsEtcdDecomposesThem() {
    AuthTokenSpec s = AuthTokenSpec.parse("jwt,pub-key=/k/pub.pem,priv-key=/k/priv.pem,sign-method=RS512,ttl=10m,colour=blue");
    assertTrue(s.isJwt());
    assertEquals("RS512", s.signMethod());
    assertEquals("/k/pub.pem", s.publicKeyFile());
    assertEquals("/k/priv.pem", s.privateKeyFile());
    assertEquals(600_000, s.jwtTtlMillis());
    assertEquals(Set.of("colour"), s.unknownOptions());
  }

  @Test
  void jwtTtlDefaultsToEtcdsFiveMinutes() {
    assertEquals(300_000, AuthTokenSpec.parse("jwt,sign-method=ES256,priv-key=k").jwtTtlMillis());
    assertFalse(AuthTokenSpec.parse("simple").isJwt());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwt,sign-method", "jwt,sign-method=RS256,sign-method=RS256", "jwt,sign-method=RS256,ttl=forever",
      "magic", "jwt,sign-method=RS256,a=b=c", "simple,"})
  void malformedOptionsAreInvalidAuthOptions(String spec) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthTokenSpec.parse(spec));
    assertEquals("auth: invalid auth options", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwt", "jwt,sign-method=none", "jwt,sign-method=EdDSA", "jwt,sign-method=rs256"})
  void unknownSignMethodsAreInvalidMethod(String spec) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthTokenSpec.parse(spec));
    assertEquals("auth: invalid auth signature method", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"300ms,300", "1.5h,5400000", "2h45m,9900000", "90s,90000", "1500us,1", "10m0s,600000"})
  void goDurations(String text, long ms) {
    assertEquals(ms, GoDurations.millis(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "-5m", "5 m", "m", "5d", "1h-1m"})
  void notGoDurations(String text) {
    assertEquals(-1, GoDurations.millis(text));
  }
}

package io.keel.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordsTest {

  @Test
  void hashesAsGoDoesAndVerifies() {
    Passwords p = new Passwords(Passwords.DEFAULT_COST);
    String hash = p.hash("s3cret");
    assertTrue(hash.startsWith("$2a$10$"), hash);
    assertEquals(60, hash.length());
    assertTrue(Passwords.matches(hash, "s3cret"));
    assertFalse(Passwords.matches(hash, "s3cret "));
    assertNotEquals(hash, p.hash("s3cret"), "salted");
  }

  @Test
  void emptyMalformedAndOutOfRangeCosts() {
    assertFalse(Passwords.matches("", "x"));
    assertFalse(Passwords.matches("not-a-hash", "x"));
    assertEquals(Passwords.DEFAULT_COST, new Passwords(99).cost());
    assertEquals(Passwords.DEFAULT_COST, new Passwords(0).cost());
    Passwords cheap = new Passwords(4);
    assertTrue(Passwords.matches(cheap.hash(""), ""));
  }
}

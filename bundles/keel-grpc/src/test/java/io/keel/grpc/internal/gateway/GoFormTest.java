package io.keel.grpc.internal.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's ParseForm as etcd 3.4.23 (Go 1.19) answered each case: its cause text, or the fields read. */
class GoFormTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "PUT | application/x-www-form-urlencoded | value=%zz | /v2/keys/a | invalid URL escape \"%zz\"",
      "PUT | application/x-www-form-urlencoded | value=a% | /v2/keys/a | invalid URL escape \"%\"",
      "PUT | application/x-www-form-urlencoded | value=a;b | /v2/keys/a | invalid semicolon separator in query",
      "PUT | application/x-www-form-urlencoded | a%zz=b&value=%4 | /v2/keys/a | invalid URL escape \"%zz\"",
      "PUT | application/x-www-form-urlencoded | a%zz=1&b=; | /v2/keys/a | invalid semicolon separator in query",
      "PUT | application/x-www-form-urlencoded | value=%e9%4 | /v2/keys/a | invalid URL escape \"%4\"",
      "PUT | application/x-www-form-urlencoded | value=1&value=% | /v2/keys/a | invalid URL escape \"%\"",
      "PUT | application/x-www-form-urlencoded | '' | /v2/keys/a?value=%zz | invalid URL escape \"%zz\"",
      "PUT | foo/ | value=1 | /v2/keys/a?value=%zz | mime: expected token after slash",
      "POST | text/plain | value=1 | /v2/keys/a?ttl=%zz | invalid URL escape \"%zz\"",
      "PUT | application/x-www-form-urlencoded | value=%\u00c3\u00a9 | /v2/keys/a | invalid URL escape \"%\u00e9\"",
      "PUT | application/x-www-form-urlencoded | 'value=%\u0001' | /v2/keys/a | invalid URL escape \"%\\x01\"",
      "PUT | application/x-www-form-urlencoded | value=%\" | /v2/keys/a | invalid URL escape \"%\\\"\"",
      "PUT | application/x-www-form-urlencoded | value=%\u00c2\u0080 | /v2/keys/a | invalid URL escape \"%\\u0080\"",
  })
  void aBadFormIsRefusedWithGosText(String method, String type, String body, String uri, String error) {
    GoForm.GoFormException e = assertThrows(GoForm.GoFormException.class,
        () -> GoForm.parse(method, type, body.getBytes(StandardCharsets.ISO_8859_1), uri));
    assertEquals(error, e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // the body of a DELETE or GET is not read; the media type's case does not matter
      "DELETE | application/x-www-form-urlencoded | recursive=zz&value=%zz | /v2/keys/a | {}",
      "GET | application/x-www-form-urlencoded | wait=zz | /v2/keys/a | {}",
      "PUT | Application/X-WWW-Form-Urlencoded | value=up | /v2/keys/a | {value=[up]}",
      "PUT | application/x-www-form-urlencoded | value=%C3 | /v2/keys/a | {value=[\ufffd]}",
      "PUT | application/x-www-form-urlencoded | value=a+b&&value=%2B | /v2/keys/a?value=q&ttl | {value=[a b, +, q], ttl=[]}",
      "PUT | '' | value=1 | /v2/keys/a | {}",
  })
  void aGoodFormReadsAsGoReadsIt(String method, String type, String body, String uri, String fields) throws Exception {
    Map<String, List<String>> form = GoForm.parse(method, type, body.getBytes(StandardCharsets.ISO_8859_1), uri);
    assertEquals(fields, form.toString());
  }
}

package io.keel.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AssetsTest {

  /** A file added to the assets but not to the list would never be served (and vice versa would fail at start). */
  @Test
  void theListIsExactlyTheAssetsDirectory() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources" + Assets.DIR))) {
      Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertEquals(names, Assets.TYPES.keySet());
    }
    Assets assets = Assets.load();
    for (String name : Assets.TYPES.keySet()) {
      assertNotNull(assets.get(name), name);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"../index.html", "/index.html", "./app.js", "..", "", "assets/app.js",
      "../../../../etc/passwd", "index.html/", "INDEX.HTML", "app.js%00", "..%2fapp.js"})
  void onlyExactNamesAreAssets(String name) {
    assertNull(Assets.load().get(name));
  }
}

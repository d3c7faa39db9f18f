package io.keel.itests.blackbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.keel.testsupport.Etcdctl;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (Debian's headless chromium, driven through Selenium and
 * Debian's chromedriver) against one running appliance, with the real etcdctl on the other side of
 * every change: a key etcdctl put is listed; a key created, edited and deleted in the page is seen
 * by etcdctl each time; an edit after a concurrent etcdctl write shows the conflict with both
 * versions; the watch pane shows an etcdctl put within a second; with auth enabled a wrong password
 * is refused with etcd's message and the right one signs in. Screenshots go to
 * target/console-screenshots/ (docs/console.png in the README is one of them).
 *
 * <p>Every wait is on a page condition, bounded; nothing sleeps.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Duration PAGE = Duration.ofSeconds(15);
  static final Path SHOTS = Path.of("target/console-screenshots");

  static ApplianceProcess member;
  static Etcdctl ctl;
  static ChromeDriver browser;
  static String ui;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(ApplianceProcess.SERVER == ApplianceProcess.Server.KEEL, "the web console is Keel's (etcd has none)");
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER
            + "): the console's browser test needs them");
    member = ApplianceProcess.create("console").start().awaitHealthy(ApplianceProcess.BOOT_TIMEOUT);
    ctl = member.etcdctl();
    ui = member.metricsUrl() + "/ui/";
    awaitConsole(ui);
    Files.createDirectories(SHOTS);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString()); // Debian's browser: with the binary and the driver given, Selenium Manager never runs
    Path profile = member.workDir().resolve("chromium-profile");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-extensions", "--window-size=1280,860", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort()
        .withLogFile(member.workDir().resolve("chromedriver.log").toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  /** The console component starts once the member's services are registered, a moment after /health. */
  private static void awaitConsole(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode();
      } catch (java.io.IOException e) {
        last = e.toString();
      }
      ApplianceProcess.sleep(200);
    }
    throw new AssertionError("the console at " + url + " did not answer within 60 s (last: " + last + ")\n"
        + member.diagnostics());
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (member != null) {
        member.close();
      }
    }
  }

  // ---- the page ---------------------------------------------------------------------------------

  static WebDriverWait waitFor(Duration bound) {
    WebDriverWait w = new WebDriverWait(browser, bound, Duration.ofMillis(50));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return w;
  }

  static WebElement visible(String css) {
    return waitFor(PAGE).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  static void awaitText(String css, String text) {
    waitFor(PAGE).until(d -> {
      var found = d.findElements(By.cssSelector(css));
      return !found.isEmpty() && found.get(0).isDisplayed() && found.get(0).getText().contains(text);
    });
  }

  static void open(String hash) {
    browser.get(ui + "#" + hash);
    browser.navigate().refresh(); // a hash-only change would not reload the page
  }

  static void shot(String name) throws Exception {
    Files.write(SHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  static void type(String css, String text) {
    WebElement e = visible(css);
    e.clear();
    e.sendKeys(text);
  }

  static String get(String key) {
    Etcdctl.Result r = ctl.run("get", key, "--print-value-only");
    assertTrue(r.ok(), r.toString());
    return r.stdout().isEmpty() ? null : r.stdout().stripTrailing();
  }

  static void put(String key, String value) {
    Etcdctl.Result r = ctl.run("put", key, value);
    assertTrue(r.ok(), r.toString());
  }

  // ---- the scenarios ----------------------------------------------------------------------------

  @Test
  @Order(1)
  void aKeyPutByEtcdctlIsListedAndShown() throws Exception {
    put("/console/app/config", "{\"db\":\"db1:5432\",\"pool\":8}");
    put("/console/app/name", "keel demo");
    put("/console/listed", "hello from etcdctl");
    open("keys?prefix=/console/");
    visible("a.dir[data-prefix='/console/app/']");
    visible("a.key[data-key='/console/listed']").click();
    awaitText("#value-preview", "hello from etcdctl");
    assertEquals("text", valueOf("#detail-meta dd:last-of-type"));

    // keyboard only: from the directory link, Enter opens it and the JSON value is pretty-printed
    open("keys?prefix=/console/");
    WebElement dir = visible("a.dir[data-prefix='/console/app/']");
    dir.sendKeys(Keys.ENTER);
    visible("a.key[data-key='/console/app/config']").sendKeys(Keys.ENTER);
    awaitText("#value-preview", "\"pool\" : 8");
    shot("keys.png");
  }

  @Test
  @Order(2)
  void aKeyIsCreatedEditedAndDeletedFromThePage() {
    open("keys?prefix=/console/");
    type("#new-key-name", "/console/made");
    browser.findElement(By.id("new-key")).click();
    type("#value-editor", "first");
    browser.findElement(By.id("save-key")).click();
    awaitText("#key-status", "Created at revision");
    assertEquals("first", get("/console/made"));
    visible("a.key[data-key='/console/made']");

    type("#value-editor", "second");
    browser.findElement(By.id("save-key")).click();
    awaitText("#key-status", "Saved at revision");
    assertEquals("second", get("/console/made"));
    waitFor(PAGE).until(d -> valueOf("#detail-meta dd:nth-of-type(3)").equals("2")); // the key's version

    WebElement delete = browser.findElement(By.id("delete-key"));
    delete.click();
    awaitText("#delete-key", "Confirm delete");
    delete.click();
    awaitText("#key-status", "Deleted at revision");
    assertEquals(null, get("/console/made"));
    waitFor(PAGE).until(d -> d.findElements(By.cssSelector("a.key[data-key='/console/made']")).isEmpty());
  }

  @Test
  @Order(3)
  void anEditAfterAConcurrentEtcdctlWriteShowsTheConflict() throws Exception {
    put("/console/race", "base");
    open("keys?prefix=/console/&key=/console/race");
    awaitText("#value-preview", "base");
    put("/console/race", "theirs"); // someone else writes after the page read the key
    type("#value-editor", "mine");
    browser.findElement(By.id("save-key")).click();
    visible("#conflict");
    assertEquals("mine", valueOf("#conflict-yours"));
    assertEquals("theirs", valueOf("#conflict-theirs"));
    assertTrue(valueOf("#conflict-message").contains("the key changed after it was read"), valueOf("#conflict-message"));
    assertEquals("theirs", get("/console/race"), "the page did not overwrite");
    shot("conflict.png");

    browser.findElement(By.id("conflict-overwrite")).click();
    awaitText("#key-status", "Saved at revision");
    assertEquals("mine", get("/console/race"));

    // its history: every version, newest first, back to its creation
    browser.findElement(By.id("history-key")).click();
    awaitText("#history-end", "Back to the key's creation");
    assertEquals(java.util.List.of("mine", "theirs", "base"), browser.findElements(By.cssSelector("#history-list pre"))
        .stream().map(WebElement::getText).toList());
  }

  @Test
  @Order(4)
  void theWatchPaneShowsAnEtcdctlPutWithinASecond() throws Exception {
    open("watch");
    type("#watch-prefix", "/console/w/");
    browser.findElement(By.id("watch-start")).click();
    waitFor(PAGE).until(d -> "watching".equals(d.findElement(By.id("watch-status")).getAttribute("data-state")));
    put("/console/w/live", "it moves");
    // the issue's bound: shown within a second of etcdctl's put returning
    waitFor(Duration.ofSeconds(1)).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#watch-events li[data-key='/console/w/live'][data-type='PUT']")));
    assertTrue(valueOf("#watch-events li").contains("= it moves"), valueOf("#watch-events li"));
    assertTrue(ctl.run("del", "/console/w/live").ok());
    visible("#watch-events li[data-key='/console/w/live'][data-type='DELETE']");
    shot("watch.png");
    browser.findElement(By.id("watch-stop")).click();
    awaitText("#watch-status", "Stopped");
  }

  @Test
  @Order(5)
  void theLeasesViewListsALeaseWithItsKeysAndTtl() throws Exception {
    Etcdctl.Result grant = ctl.run("lease", "grant", "300");
    assertTrue(grant.ok(), grant.toString());
    String id = grant.stdout().split(" ")[1]; // "lease 694d... granted with TTL(300s)"
    assertTrue(ctl.run("put", "--lease=" + id, "/console/leased", "with a lease").ok());
    open("leases");
    WebElement row = visible("#lease-table tbody tr");
    awaitText("#lease-table tbody tr", id);
    assertTrue(row.getText().contains("/console/leased") && row.getText().contains("300 s"), row.getText());
    shot("leases.png");
    row.findElement(By.cssSelector("a[href*='key=']")).click();
    awaitText("#detail-meta", id + " (TTL ");
  }

  @Test
  @Order(6)
  void theClusterViewAndANarrowWindow() throws Exception {
    open("cluster");
    visible("#member-table tbody tr");
    awaitText("#member-table tbody tr", "leader");
    awaitText("#member-table tbody tr", "healthy");
    shot("cluster.png");

    browser.manage().window().setSize(new Dimension(390, 844));
    try {
      open("keys?prefix=/console/&key=/console/race");
      awaitText("#value-preview", "mine");
      long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
          "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertEquals(0, overflow, "the page scrolls sideways on a narrow window");
      shot("narrow.png");
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 860));
    }
  }

  /** The real listener (keel-http's Jetty) in front of the console: bad requests get clean 4xx. */
  @Test
  @Order(7)
  void badRequestsGetCleanErrors() throws Exception {
    URI base = URI.create(ui);
    for (String path : new String[] {"/ui/../../etc/passwd", "/ui/%2e%2e/%2e%2e/etc/passwd", "/ui/..%2f..%2fetc%2fpasswd",
        "/ui/%252e%252e/etc/passwd", "/ui/..;/etc/passwd", "/ui/index.html/../../../etc/passwd", "/ui/%c0%ae%c0%ae/etc/passwd"}) {
      String answer = raw(base.getPort(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      int status = Integer.parseInt(answer.substring(9, 12));
      assertTrue(status >= 400 && status < 500 && !answer.contains("root:"), path + " answered " + answer.lines().findFirst().orElse(""));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> huge = http.send(HttpRequest.newBuilder(base.resolve("api/key")).header("X-Keel-Console", "1")
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"k\":\"eA==\",\"value\":\""
            + "x".repeat(3 * 1024 * 1024) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(413, huge.statusCode(), huge.body());
    HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(base.resolve("api/key")).header("X-Keel-Console", "1")
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"k\": ")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, malformed.statusCode());
    assertTrue(malformed.body().contains("malformed JSON"), malformed.body());
    assertTrue(ctl.run("put", "/console/still", "serving").ok(), "the member keeps serving");
  }

  private static String raw(int port, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The charts view samples this member's status every 2 s: the key count shows at once, and puts
   * made by etcdctl while it is open show as a writes-per-second rate above zero and a higher count.
   */
  @Test
  @Order(8)
  void theChartsShowLiveNumbers() throws Exception {
    long keys = keyCount();
    open("charts");
    waitFor(PAGE).until(d -> d.findElement(By.id("chart-keys-now")).getText().equals(Long.toString(keys)));
    for (int i = 0; i < 5; i++) {
      put("/console/charts/" + i, "sampled");
    }
    waitFor(PAGE).until(d -> d.findElement(By.id("chart-keys-now")).getText().equals(Long.toString(keys + 5)));
    waitFor(PAGE).until(d -> {
      String writes = d.findElement(By.id("chart-writes-now")).getText();
      return writes.matches("\\d+\\.\\d /s") && Double.parseDouble(writes.split(" ")[0]) > 0;
    });
    // a line needs two rates, i.e. three samples
    waitFor(PAGE).until(d -> d.findElement(By.cssSelector("#chart-writes polyline")).getAttribute("points").contains(" "));
    shot("charts.png");
  }

  private static long keyCount() {
    Etcdctl.Result all = ctl.run("get", "", "--from-key", "--keys-only", "-w", "json");
    assertTrue(all.ok(), all.toString());
    return all.json().path("count").asLong();
  }

  /**
   * A NOSPACE alarm raised through the gateway (etcd's Maintenance.Alarm ACTIVATE; etcdctl can only
   * list and disarm) is listed on the cluster view, and its Disarm button clears it for etcdctl too.
   */
  @Test
  @Order(9)
  void aNoSpaceAlarmIsListedAndDisarmedFromThePage() throws Exception {
    long memberId = Etcdctl.unsigned(ctl.run("endpoint", "status", "-w", "json").json().get(0).path("Status")
        .path("header").path("member_id"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> raised = http.send(HttpRequest.newBuilder(URI.create(member.clientUrl() + "/v3/maintenance/alarm"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"ACTIVATE\",\"memberID\":\""
            + Long.toUnsignedString(memberId) + "\",\"alarm\":\"NOSPACE\"}")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, raised.statusCode(), raised.body());
    try {
      assertTrue(ctl.run("alarm", "list").stdout().contains("alarm:NOSPACE"), "etcdctl sees the alarm");
      open("cluster");
      awaitText("#alarm-list", "NOSPACE on member " + Long.toHexString(memberId));
      shot("alarms.png");
      visible("#alarm-list button");
      waitFor(PAGE).until(d -> { // the view redraws every 3 s: a button replaced under the click is found again
        d.findElement(By.cssSelector("#alarm-list button")).click();
        return true;
      });
      awaitText("#alarm-list", "No alarms.");
      Etcdctl.Result list = ctl.run("alarm", "list");
      assertTrue(list.ok(), list.toString());
      assertEquals("", list.stdout().strip(), "etcdctl alarm list after the page's Disarm");
    } finally {
      ctl.run("alarm", "disarm"); // the next test writes: never leave the alarm on
    }
  }

  /** Last: auth stays on. */
  @Test
  @Order(10)
  void withAuthEnabledAWrongPasswordIsRefusedAndTheRightOneWorks() throws Exception {
    assertTrue(ctl.run("user", "add", "root:rootpw", "--interactive=false").ok());
    assertTrue(ctl.run("user", "grant-role", "root", "root").ok());
    Etcdctl.Result enable = ctl.run("auth", "enable");
    assertTrue(enable.ok(), enable.toString());
    ctl = ctl.withFlags("--user=root:rootpw");

    open("keys?prefix=/console/");
    visible("#login");
    type("#login-user", "root");
    type("#login-password", "wrong");
    browser.findElement(By.id("login-submit")).click();
    awaitText("#login-error", "etcdserver: authentication failed, invalid user ID or password");
    shot("login.png");
    assertTrue(browser.findElements(By.cssSelector("a.key[data-key='/console/listed']")).isEmpty(), "nothing listed yet");

    type("#login-password", "rootpw");
    browser.findElement(By.id("login-submit")).click();
    waitFor(PAGE).until(ExpectedConditions.invisibilityOfElementLocated(By.id("login")));
    visible("a.key[data-key='/console/listed']");
    awaitText("#session-user", "Signed in as root");

    // writes run as root too: etcdctl (as root) sees them
    type("#new-key-name", "/console/by-root");
    browser.findElement(By.id("new-key")).click();
    type("#value-editor", "signed in");
    browser.findElement(By.id("save-key")).click();
    awaitText("#key-status", "Created at revision");
    assertEquals("signed in", get("/console/by-root"));
  }

  private static String valueOf(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }
}

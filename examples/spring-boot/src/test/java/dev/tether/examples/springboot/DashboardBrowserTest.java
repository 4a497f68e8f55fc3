package dev.tether.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;

import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example in a real browser: headless Chromium (Debian's chromium and chromium-driver) drives the
 * running application like a person — the dashboard, a Gmail sign-in at the sandbox started from the
 * chat, a wrong then a right Exa key — and the badges change on the open dashboard without a reload.
 * Every page of the application is checked for console errors (Content-Security-Policy violations
 * among them) and for basic accessibility. Screenshots go to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("tether.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("tether.chromedriver", "/usr/bin/chromedriver"));
  /** Every wait on the browser or the servers: generous, and each polls a condition, never sleeps. */
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");

  /** Basic accessibility: what each of the application's pages must have. Returns the problems found. */
  private static final String ACCESSIBILITY = String.join("\n",
      "var problems = [];",
      "if (!document.documentElement.getAttribute('lang')) { problems.push('html has no lang'); }",
      "if (!document.title.trim()) { problems.push('no title'); }",
      "if (!document.querySelector('h1')) { problems.push('no h1 heading'); }",
      "document.querySelectorAll('img').forEach(function (i) {",
      "  if (!i.hasAttribute('alt')) { problems.push('img without alt: ' + i.src); } });",
      "document.querySelectorAll('input, select, textarea').forEach(function (el) {",
      "  if (['hidden', 'submit', 'button', 'reset'].indexOf(el.type) >= 0) { return; }",
      "  var label = el.id && document.querySelector('label[for=\"' + CSS.escape(el.id) + '\"]');",
      "  var wrapped = el.closest('label');",
      "  var named = (label && label.textContent.trim()) || (wrapped && wrapped.textContent.trim())",
      "      || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');",
      "  if (!named) { problems.push('input without a label: ' + (el.name || el.id)); } });",
      "document.querySelectorAll('button, a[href]').forEach(function (el) {",
      "  if (!el.textContent.trim() && !el.getAttribute('aria-label')) { problems.push('unnamed ' + el.tagName); } });",
      "var ids = {};",
      "document.querySelectorAll('[id]').forEach(function (el) {",
      "  if (ids[el.id]) { problems.push('duplicate id ' + el.id); } ids[el.id] = true; });",
      "return problems;");

  private static ConfigurableApplicationContext app;
  private static URI base;
  private static Path profile;
  private static ChromeDriver browser;
  private static int shot;

  @BeforeAll
  static void start() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("This test drives headless Chromium: install Debian's packages chromium and chromium-driver "
          + "(apt-get install -y chromium chromium-driver), or point -Dtether.chromium and -Dtether.chromedriver at "
          + "a Chromium and its matching ChromeDriver. Missing: " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM));
    }
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    app = new SpringApplicationBuilder(SandboxApplication.class).run("--server.port=" + port);
    base = URI.create("http://127.0.0.1:" + port);

    profile = Files.createTempDirectory("tether-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,1000", "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (app != null) {
        app.close();
      }
      if (profile != null) {
        try (Stream<Path> files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void dashboard_connectGmailFromTheChatAndExaWithItsForm_badgesChangeWithoutReload() throws Exception {
    browser.get(base + "/");
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.until(ExpectedConditions.textToBe(By.id("live"), "Live: status changes appear as they happen."));
    checkPage("dashboard");
    assertThat(badge("gmail")).isEqualTo("Not connected");
    assertThat(badge("exa")).isEqualTo("Not connected");
    String dashboard = browser.getWindowHandle();

    // In chat: the agent calls the meta-tool and shows the Connect Link, with the JSON it read.
    browser.findElement(By.cssSelector("button[value='Summarize my emails from today']")).click();
    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("a.chat-link")));
    assertThat(link.getText()).startsWith(base + "/link/ln_");
    assertThat(browser.findElement(By.cssSelector("#agent-json pre")).getText())
        .contains("\"status\" : \"initiated\"", "\"redirect_url\"");
    wait.until(d -> badge("gmail").equals("Waiting for sign-in"));
    checkPage("chat with a connect link");

    // From now on the dashboard is never reloaded: the marker would be gone.
    browser.executeScript("window.tetherNotReloaded = true;");

    // Gmail: the link opens the sandbox's sign-in page in a new tab; any user name signs in.
    link.click();
    switchToNewTab(dashboard);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.name("username"))).sendKeys("alice");
    screenshot("sandbox sign-in");
    checkSandboxPage();
    browser.findElement(By.cssSelector("input[type='submit']")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Gmail is connected"));
    checkPage("gmail connected");
    browser.close();
    browser.switchTo().window(dashboard);
    wait.until(d -> badge("gmail").equals("Active"));
    assertThat(browser.findElement(By.id("account-gmail")).getText()).startsWith("ca_");
    assertThat(notReloaded()).isTrue();
    screenshot("dashboard gmail active");

    // Exa: its connect link is the API-key form; a wrong key is refused, a right one connects.
    browser.findElement(By.id("connect-exa")).click();
    switchToNewTab(dashboard);
    WebElement key = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("input[type='password']")));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Connect Exa");
    checkPage("exa form");
    key.sendKeys("bad key");
    key.submit();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[role='alert']")));
    assertThat(browser.getPageSource()).doesNotContain("bad key");
    // The form comes back with 400, which Chrome notes in the console; only that is allowed here.
    checkPage("exa form with a problem", 400);
    wait.until(d -> badge(dashboard, "exa").equals("Waiting for sign-in"));
    browser.findElement(By.cssSelector("input[type='password']")).sendKeys("exa-sandbox-key-0123456789");
    browser.findElement(By.cssSelector("input[type='password']")).submit();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Exa is connected"));
    checkPage("exa connected");
    browser.close();
    browser.switchTo().window(dashboard);
    wait.until(d -> badge("exa").equals("Active"));
    assertThat(notReloaded()).isTrue();
    assertThat(browser.findElements(By.cssSelector("#events li"))).extracting(WebElement::getText)
        .anyMatch(line -> line.contains("gmail") && line.contains("INITIATED → ACTIVE"))
        .anyMatch(line -> line.contains("exa") && line.contains("INITIATED → ACTIVE"));
    checkPage("dashboard all active");

    // Back in chat: the agent checks again and finds Gmail connected.
    browser.findElement(By.cssSelector("button[value='Done']")).click();
    wait.until(ExpectedConditions.textMatches(By.cssSelector(".transcript li:last-child"),
        java.util.regex.Pattern.compile("Gmail is connected")));
    checkPage("chat done");

    // The starter's meters saw it all, tagged by toolkit.
    assertThat(get("/actuator/metrics/tether.links.completed?tag=toolkit:gmail&tag=outcome:connected"))
        .contains("\"value\":1.0");
    // The chat's two meta-tool calls: Gmail not yet connected, then connected.
    assertThat(get("/actuator/metrics/tether.connection.checks?tag=source:manage_connections&tag=outcome:needs_connection"))
        .contains("\"statistic\":\"COUNT\",\"value\":1.0");
    assertThat(get("/actuator/metrics/tether.connection.checks?tag=source:manage_connections&tag=outcome:all_active"))
        .contains("\"statistic\":\"COUNT\",\"value\":1.0");
    assertThat(get("/actuator/metrics/tether.connection.checks.toolkits?tag=toolkit:gmail&tag=status:active"))
        .contains("\"value\":1.0");
    assertThat(get("/actuator/health")).contains("\"tether\"", "\"store\":\"reachable\"");
  }

  private static String badge(String toolkit) {
    return browser.findElement(By.id("badge-" + toolkit)).getText();
  }

  /** The badge on the dashboard's tab, coming back to the current tab after. */
  private static String badge(String dashboard, String toolkit) {
    String here = browser.getWindowHandle();
    browser.switchTo().window(dashboard);
    try {
      return badge(toolkit);
    } finally {
      browser.switchTo().window(here);
    }
  }

  private static boolean notReloaded() {
    return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript("return window.tetherNotReloaded === true;"));
  }

  private static void switchToNewTab(String dashboard) {
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.numberOfWindowsToBe(2));
    Set<String> handles = browser.getWindowHandles();
    browser.switchTo().window(handles.stream().filter(h -> !h.equals(dashboard)).findFirst().orElseThrow());
  }

  /** One of the application's pages: no console error (CSP violations included), basic accessibility, a screenshot. */
  private static void checkPage(String name) throws IOException {
    checkPage(name, 200);
  }

  /** As {@link #checkPage(String)} for a page the application answers with {@code status} on purpose. */
  private static void checkPage(String name, int status) throws IOException {
    List<String> errors = consoleErrors(status == 200 ? List.of()
        : List.of(browser.getCurrentUrl() + " - Failed to load resource: the server responded with a status of " + status));
    assertThat(errors).as("console errors on the page '%s' (%s)", name, browser.getCurrentUrl()).isEmpty();
    @SuppressWarnings("unchecked")
    List<String> problems = (List<String>) browser.executeScript(ACCESSIBILITY);
    assertThat(problems).as("accessibility problems on the page '%s' (%s)", name, browser.getCurrentUrl()).isEmpty();
    screenshot(name);
  }

  /**
   * The sandbox's sign-in page is the identity provider's, not the application's: only the web font it
   * asks a host outside the closed network for may fail there.
   */
  private static void checkSandboxPage() {
    assertThat(consoleErrors(List.of("fonts.googleapis.com", "ERR_NAME_NOT_RESOLVED", "ERR_CONNECTION_REFUSED",
        "ERR_INTERNET_DISCONNECTED", "ERR_PROXY_CONNECTION_FAILED"))).as("console errors on the sandbox's sign-in page").isEmpty();
  }

  private static List<String> consoleErrors(List<String> allowed) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      boolean bad = entry.getLevel().intValue() >= Level.WARNING.intValue()
          || entry.getMessage().contains("Content Security Policy");
      if (bad && allowed.stream().noneMatch(entry.getMessage()::contains)) {
        errors.add(entry.getLevel() + " " + entry.getMessage());
      }
    }
    return errors;
  }

  private static void screenshot(String name) throws IOException {
    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    Files.write(SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shot, name.replace(' ', '-'))), png);
  }

  private static String get(String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
    return response.body();
  }

}

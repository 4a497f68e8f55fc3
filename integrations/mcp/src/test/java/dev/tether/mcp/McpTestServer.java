package dev.tether.mcp;

import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat 11 on loopback (an ephemeral port) serving {@link TetherMcpServlet} at
 * {@code /mcp/*} over a real engine: a fake gmail and github provider, a movable clock, and the
 * MCP base URL {@code http://127.0.0.1:{port}/mcp}.
 */
final class McpTestServer implements AutoCloseable {
  /** Tomcat and the SDK log each start, stop and initialize at INFO; keep the test output to what matters. */
  private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");
  private static final Logger SDK_LOG = Logger.getLogger("io.modelcontextprotocol");

  static {
    TOMCAT_LOG.setLevel(Level.WARNING);
    SDK_LOG.setLevel(Level.WARNING);
  }

  final TestClock clock = TestClock.standing();
  final FakeToolkitProvider fake = FakeToolkitProvider.builder()
      .oauth2("gmail", "Gmail")
      .oauth2("github", "GitHub")
      .build();
  final Tether tether;
  final int port;
  private final Tomcat tomcat;
  private final Path baseDir;

  McpTestServer() {
    this(TetherMcpServlet::new);
  }

  /** A server whose servlet {@code servlet} builds over the engine. */
  McpTestServer(Function<Tether, TetherMcpServlet> servlet) {
    try {
      baseDir = Files.createTempDirectory("tether-mcp-tomcat");
      tomcat = new Tomcat();
      tomcat.setBaseDir(baseDir.toString());
      Connector connector = new Connector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      tomcat.setConnector(connector);
      tomcat.getHost();
      // init() binds the socket, so the engine can be told its MCP base URL before the servlet exists.
      tomcat.init();
      port = connector.getLocalPort();
      tether = Tether.builder()
          .redirectUri(URI.create("https://app.example/oauth/callback"))
          .mcpBaseUrl(URI.create("http://127.0.0.1:" + port + "/mcp"))
          .clock(clock)
          .discoverProviders(false)
          .provider(fake)
          .build();
      StandardContext context = (StandardContext) tomcat.addContext("", null);
      // Nothing is redeployed here; spare the output the leak detector's plea for --add-opens.
      context.setClearReferencesThreadLocals(false);
      context.setClearReferencesRmiTargets(false);
      Tomcat.addServlet(context, "mcp", servlet.apply(tether));
      context.addServletMappingDecoded("/mcp/*", "mcp");
      tomcat.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not start", e);
    }
  }

  /** The servlet's base, {@code http://127.0.0.1:{port}}. */
  String origin() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws LifecycleException, IOException {
    tomcat.stop();
    tomcat.destroy();
    try (var files = Files.walk(baseDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

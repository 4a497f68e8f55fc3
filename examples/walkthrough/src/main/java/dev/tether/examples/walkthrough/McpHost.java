package dev.tether.examples.walkthrough;

import dev.tether.core.Tether;
import dev.tether.mcp.TetherMcpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * {@code --serve}'s MCP endpoint: an embedded Tomcat on a free loopback port serving
 * {@code tether-mcp}'s {@link TetherMcpServlet} at {@code /mcp/*}, so an MCP client reaches each
 * session's meta-tools at {@code {base}/{sessionId}}. A second port beside the JDK HttpServer of
 * {@link HostApp}: the servlet needs a servlet container, the rest of the host app does not.
 */
final class McpHost implements AutoCloseable {
  /**
   * Tomcat logs every start and stop, and a slow SecureRandom, through JUL; the walkthrough's own
   * output is the story (as {@code logback.xml} keeps the sandbox quiet). Held here so the setting
   * is not collected with the logger.
   */
  private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

  static {
    TOMCAT_LOG.setLevel(Level.SEVERE);
  }

  private final Tomcat tomcat;
  private final Path baseDir;
  private final int port;

  /** Binds a free loopback port; nothing is served until {@link #serve}. */
  McpHost() throws IOException {
    baseDir = Files.createTempDirectory("tether-walkthrough-mcp");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    tomcat.getHost();
    try {
      // init() binds the socket, so the engine can be told its MCP base URL before the servlet exists.
      tomcat.init();
    } catch (LifecycleException e) {
      try {
        tomcat.destroy();
      } catch (LifecycleException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      removeBaseDir();
      throw new IOException("The MCP endpoint could not listen on loopback", e);
    }
    port = connector.getLocalPort();
  }

  /** Where the engine's sessions are served: {@code http://127.0.0.1:{port}/mcp}. */
  URI base() {
    return URI.create("http://127.0.0.1:" + port + "/mcp");
  }

  /** Starts serving {@code engine}'s sessions. */
  void serve(Tether engine) {
    StandardContext context = (StandardContext) tomcat.addContext("", null);
    // Nothing is redeployed here; spare the output the leak detector's plea for --add-opens.
    context.setClearReferencesThreadLocals(false);
    context.setClearReferencesRmiTargets(false);
    Tomcat.addServlet(context, "mcp", new TetherMcpServlet(engine));
    context.addServletMappingDecoded("/mcp/*", "mcp");
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException("The MCP endpoint did not start", e);
    }
  }

  /** Stops Tomcat, closes its port and removes its working directory. */
  @Override
  public void close() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("The MCP endpoint did not stop", e);
    } finally {
      removeBaseDir();
    }
  }

  private void removeBaseDir() {
    try (Stream<Path> files = Files.walk(baseDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not remove " + baseDir, e);
    }
  }
}

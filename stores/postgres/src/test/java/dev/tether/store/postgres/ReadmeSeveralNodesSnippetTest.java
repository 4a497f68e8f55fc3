package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README "Running on several nodes", taken from the README as it stands, compiled together with
 * what the text then asks of that store: {@code store.reencrypt(1000)} ("Keys and rotation") and
 * closing it on shutdown. A snippet that typed the store as a plain {@code ConnectionStore} made
 * both fail to compile.
 */
class ReadmeSeveralNodesSnippetTest {
  @Test
  void theSnippet_compiles_withTheCallsTheTextAsksFor(@TempDir Path dir) throws Exception {
    String snippet = firstJavaBlockAfter(readme(), "## Running on several nodes");
    String source = String.join("\n",
        "package com.example;",
        "import dev.tether.core.Tether;",
        "import dev.tether.store.postgres.PostgresConnectionStore;",
        "import javax.sql.DataSource;",
        "class Nodes {",
        "  static void run(DataSource dataSource, byte[] aes256Key) {",
        snippet.replace("./*…*/build()", ".build()"),
        "    while (store.reencrypt(1000) > 0) { }",
        "    store.close();",
        "  }",
        "}");
    Path file = dir.resolve("com/example/Nodes.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source, StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = ToolProvider.getSystemJavaCompiler().run(null, out, out, "-d", dir.resolve("classes").toString(),
        "-cp", System.getProperty("java.class.path"), file.toString());
    assertThat(status).as("javac on the README's snippet says: %s", out.toString(StandardCharsets.UTF_8)).isZero();
  }

  private static String readme() throws Exception {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("stores/postgres"))) {
        return Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
      }
    }
    throw new IllegalStateException("No Tether repository (README.md beside stores/postgres) at or above "
        + Path.of("").toAbsolutePath());
  }

  private static String firstJavaBlockAfter(String readme, String heading) {
    int at = readme.indexOf("\n" + heading + "\n");
    assertThat(at).as("README has the heading %s", heading).isNotNegative();
    int start = readme.indexOf("```java\n", at);
    int end = readme.indexOf("\n```", start + 8);
    assertThat(start).as("a java block after %s", heading).isNotNegative();
    return readme.substring(start + "```java\n".length(), end);
  }
}

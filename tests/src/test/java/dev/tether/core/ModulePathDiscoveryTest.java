package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.base.Preconditions;
import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.providers.kit.ToolkitDispatcher;
import dev.tether.providers.oauth1.OAuth1Catalog;
import dev.tether.providers.oauth2.OAuth2Catalog;
import dev.tether.spi.ToolkitProvider;
import io.vavr.control.Try;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery on the module path: a separate JVM with Tether and the provider modules as named
 * modules, where only {@code module-info}'s {@code uses}/{@code provides} can connect them.
 */
class ModulePathDiscoveryTest {
  private static Path locationOf(Class<?> type) throws Exception {
    return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void providers_areFoundThroughModuleInfo(@TempDir Path dir) throws Exception {
    Set<Path> modulePath = new LinkedHashSet<>();
    for (Class<?> type : List.of(Tether.class, ToolkitProvider.class, OAuth2Catalog.class, ApiKeyCatalog.class,
        OAuth1Catalog.class, ToolkitDispatcher.class, Preconditions.class, Caffeine.class, Try.class,
        ObjectMapper.class, JsonFactory.class, JsonProperty.class)) {
      modulePath.add(locationOf(type));
    }
    addIfPresent(modulePath, "com.google.common.util.concurrent.internal.InternalFutureFailureAccess");
    addIfPresent(modulePath, "io.vavr.match.annotation.Patterns");
    Path main = dir.resolve("Main.java");
    Files.writeString(main, String.join("\n",
        "import dev.tether.core.Tether;",
        "public class Main {",
        "  public static void main(String[] args) {",
        "    Tether t = Tether.builder().redirectUri(java.net.URI.create(\"https://h.example/cb\")).build();",
        "    System.out.println(\"module=\" + Tether.class.getModule().getName());",
        "    System.out.println(\"toolkits=\" + t.toolkitSlugs());",
        "    System.out.println(\"problems=\" + t.providers().problems());",
        "  }",
        "}"), StandardCharsets.UTF_8);
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java,
        "--module-path", modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
        "--add-modules", "dev.tether.core", main.toString())
        .redirectErrorStream(true).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).contains("module=dev.tether.core").contains("problems=[]");
    assertThat(out).contains("gmail").contains("exa").contains("trello");
  }

  private static void addIfPresent(Set<Path> modulePath, String className) throws Exception {
    try {
      modulePath.add(locationOf(Class.forName(className)));
    } catch (ClassNotFoundException absent) {
      // not a dependency of this Guava version
    }
  }
}

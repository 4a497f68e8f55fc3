package dev.tether.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the repository that tests check the code against (the README), found from wherever the
 * test JVM runs: Maven runs it in the module's directory, an IDE often in the repository's root.
 */
final class RepositoryFiles {
  private RepositoryFiles() {}

  /** The repository's README.md. */
  static Path readme() {
    return root().resolve("README.md");
  }

  /** The nearest directory, from the working directory up, holding the README and the tests module. */
  static Path root() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("tests/pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("No Tether repository (README.md beside tests/pom.xml) at or above " + start);
  }
}

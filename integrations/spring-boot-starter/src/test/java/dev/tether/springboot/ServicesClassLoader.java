package dev.tether.springboot;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/** A class loader whose ServiceLoader sees one provider class name that does not exist. */
final class ServicesClassLoader extends ClassLoader {
  private static final String SERVICES = "META-INF/services/dev.tether.spi.ToolkitProvider";
  private final URL services;

  ServicesClassLoader(ClassLoader parent, String providerClass) throws IOException {
    super(parent);
    Path file = Files.createTempFile("tether-services", ".txt");
    file.toFile().deleteOnExit();
    Files.writeString(file, providerClass + "\n", StandardCharsets.UTF_8);
    this.services = file.toUri().toURL();
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    return name.equals(SERVICES) ? Collections.enumeration(java.util.List.of(services)) : super.getResources(name);
  }
}

package dev.tether.core;

import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import io.vavr.control.Try;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The toolkits an engine serves and the provider behind each, assembled once at build time from
 * explicit providers and {@link ServiceLoader} discovery. Immutable after construction.
 */
final class ProviderRegistry {
  private static final System.Logger LOG = System.getLogger(ProviderRegistry.class.getName());
  /** Guards against a ServiceLoader iterator that keeps failing on the same entry. */
  private static final int MAX_DISCOVERY_STEPS = 10_000;

  record Entry(ToolkitDescriptor descriptor, ToolkitProvider provider) {}

  private final Map<String, Entry> bySlug;
  private final ProviderReport report;

  private ProviderRegistry(Map<String, Entry> bySlug, ProviderReport report) {
    this.bySlug = Collections.unmodifiableMap(bySlug);
    this.report = report;
  }

  /**
   * Assembles the registry. Explicit providers win over discovered ones; among discovered
   * providers claiming one slug, the first by class name wins; every conflict and load failure is
   * reported and logged, never thrown.
   *
   * @throws IllegalArgumentException if two explicit providers serve the same slug, or an explicit
   *     provider is unusable (a caller mistake)
   */
  static ProviderRegistry assemble(List<ToolkitProvider> explicit, boolean discover, ClassLoader loader) {
    Map<String, Entry> bySlug = new TreeMap<>();
    Map<String, String> ownerClass = new LinkedHashMap<>();
    List<ProviderReport.LoadedProvider> loaded = new ArrayList<>();
    List<String> problems = new ArrayList<>();

    for (ToolkitProvider p : explicit) {
      List<ToolkitDescriptor> toolkits = describe(p).getOrElseThrow(e -> new IllegalArgumentException(
          "Provider " + p.getClass().getName() + " is unusable: " + e.getMessage(), e));
      for (ToolkitDescriptor d : toolkits) {
        if (bySlug.containsKey(d.slug())) {
          throw new IllegalArgumentException("Toolkit '" + d.slug() + "' is served by two explicit providers ("
              + ownerClass.get(d.slug()) + " and " + p.getClass().getName() + "); register only one");
        }
        bySlug.put(d.slug(), new Entry(d, p));
        ownerClass.put(d.slug(), p.getClass().getName());
      }
      loaded.add(new ProviderReport.LoadedProvider(p.getClass().getName(), ProviderReport.Origin.EXPLICIT,
          toolkits.stream().map(ToolkitDescriptor::slug).collect(Collectors.toList())));
    }
    Set<String> explicitSlugs = new HashSet<>(bySlug.keySet());

    if (discover) {
      List<ToolkitProvider> found = discover(loader, problems);
      found.sort(Comparator.comparing(p -> p.getClass().getName()));
      for (ToolkitProvider p : found) {
        Try<List<ToolkitDescriptor>> described = describe(p);
        if (described.isFailure()) {
          problems.add(p.getClass().getName() + " was skipped: " + described.getCause().getMessage());
          continue;
        }
        List<String> served = new ArrayList<>();
        for (ToolkitDescriptor d : described.get()) {
          if (explicitSlugs.contains(d.slug())) {
            problems.add("Toolkit '" + d.slug() + "' of discovered " + p.getClass().getName()
                + " is overridden by explicit " + ownerClass.get(d.slug()));
          } else if (bySlug.containsKey(d.slug())) {
            problems.add("Toolkit '" + d.slug() + "' is served by both " + ownerClass.get(d.slug())
                + " and " + p.getClass().getName() + "; using " + ownerClass.get(d.slug()));
          } else {
            bySlug.put(d.slug(), new Entry(d, p));
            ownerClass.put(d.slug(), p.getClass().getName());
            served.add(d.slug());
          }
        }
        loaded.add(new ProviderReport.LoadedProvider(p.getClass().getName(),
            ProviderReport.Origin.DISCOVERED, served));
      }
    }
    for (String problem : problems) {
      LOG.log(System.Logger.Level.WARNING, "Tether provider discovery: {0}", problem);
    }
    return new ProviderRegistry(new LinkedHashMap<>(bySlug), new ProviderReport(loaded, problems));
  }

  /** Loads each provider in its own try, so one broken jar never hides the others. */
  private static List<ToolkitProvider> discover(ClassLoader loader, List<String> problems) {
    List<ToolkitProvider> found = new ArrayList<>();
    Iterator<ToolkitProvider> it = ServiceLoader.load(ToolkitProvider.class, loader).iterator();
    for (int step = 0; step < MAX_DISCOVERY_STEPS; step++) {
      Try<Boolean> hasNext = Try.of(it::hasNext);
      if (hasNext.isFailure()) {
        if (!isLoadFailure(hasNext.getCause())) {
          problems.add("Provider discovery stopped: " + describe(hasNext.getCause()));
          break;
        }
        problems.add("A provider could not be loaded: " + describe(hasNext.getCause()));
        continue;
      }
      if (!hasNext.get()) {
        break;
      }
      Try<ToolkitProvider> next = Try.of(it::next);
      if (next.isSuccess()) {
        found.add(next.get());
      } else if (isLoadFailure(next.getCause())) {
        problems.add("A provider could not be loaded: " + describe(next.getCause()));
      } else {
        problems.add("Provider discovery stopped: " + describe(next.getCause()));
        break;
      }
    }
    return found;
  }

  private static boolean isLoadFailure(Throwable t) {
    return t instanceof ServiceConfigurationError || t instanceof LinkageError || t instanceof RuntimeException;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    Throwable cause = t.getCause();
    return cause == null ? message : message + " (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
  }

  /** Checks the SPI version and reads the descriptors, catching anything the plugin throws. */
  private static Try<List<ToolkitDescriptor>> describe(ToolkitProvider p) {
    return Try.of(() -> {
      int version = p.spiVersion();
      if (version > ToolkitProvider.SPI_VERSION || version < 1) {
        throw new IllegalStateException("built for SPI version " + version + " but this engine speaks "
            + ToolkitProvider.SPI_VERSION + "; use a matching tether-core");
      }
      List<ToolkitDescriptor> toolkits = List.copyOf(p.toolkits());
      Set<String> seen = new HashSet<>();
      for (ToolkitDescriptor d : toolkits) {
        if (!seen.add(d.slug())) {
          throw new IllegalStateException("it lists toolkit '" + d.slug() + "' twice");
        }
      }
      return toolkits;
    });
  }

  Optional<Entry> find(String slug) {
    return Optional.ofNullable(bySlug.get(slug));
  }

  /** Every served toolkit, ordered by slug. */
  Collection<Entry> entries() {
    return bySlug.values();
  }

  Set<String> slugs() {
    return bySlug.keySet();
  }

  ProviderReport report() {
    return report;
  }

  /** A short list of known slugs for error messages ("never invent one"). */
  String describeAvailable(Collection<String> slugs) {
    if (slugs.isEmpty()) {
      return "none (no provider is registered)";
    }
    List<String> shown = slugs.stream().limit(60).collect(Collectors.toList());
    return String.join(", ", shown) + (slugs.size() > shown.size() ? ", …" : "");
  }
}

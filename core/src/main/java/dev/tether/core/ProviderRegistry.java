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

  /** A toolkit and its provider, wrapped once in the guard every call goes through. */
  record Entry(ToolkitDescriptor descriptor, GuardedProvider provider) {}

  private final Map<String, Entry> bySlug;
  private final ProviderReport report;

  private ProviderRegistry(Map<String, Entry> bySlug, ProviderReport report) {
    this.bySlug = Collections.unmodifiableMap(bySlug);
    this.report = report;
  }

  /**
   * Assembles the registry. An explicit provider serves its toolkits, whatever was discovered: the
   * host chose it, so that is no problem to report. A toolkit that two discovered providers both
   * claim is served by neither (a plugin must never take over a toolkit by accident, e.g. by the
   * order of class names), and the report says how to choose. Load failures are reported and
   * logged, never thrown.
   *
   * @throws IllegalArgumentException if two explicit providers serve the same slug, or an explicit
   *     provider is unusable (a caller mistake)
   */
  static ProviderRegistry assemble(List<ToolkitProvider> explicit, boolean discover, ClassLoader loader) {
    Map<String, Entry> bySlug = new TreeMap<>();
    Map<String, String> ownerClass = new LinkedHashMap<>();
    List<ProviderReport.LoadedProvider> loaded = new ArrayList<>();
    List<String> problems = new ArrayList<>();

    Set<Class<?>> explicitClasses = new HashSet<>();
    for (ToolkitProvider p : explicit) {
      List<ToolkitDescriptor> toolkits = describe(p).getOrElseThrow(e -> new IllegalArgumentException(
          "Provider " + p.getClass().getName() + " is unusable: " + e.getMessage(), e));
      GuardedProvider guarded = new GuardedProvider(p);
      for (ToolkitDescriptor d : toolkits) {
        if (bySlug.containsKey(d.slug())) {
          throw new IllegalArgumentException("Toolkit '" + d.slug() + "' is served by two explicit providers ("
              + ownerClass.get(d.slug()) + " and " + p.getClass().getName() + "); register only one");
        }
        bySlug.put(d.slug(), new Entry(d, guarded));
        ownerClass.put(d.slug(), p.getClass().getName());
      }
      explicitClasses.add(p.getClass());
      loaded.add(new ProviderReport.LoadedProvider(p.getClass().getName(), ProviderReport.Origin.EXPLICIT,
          toolkits.stream().map(ToolkitDescriptor::slug).collect(Collectors.toList())));
    }

    if (discover) {
      Map<String, List<Entry>> claims = new TreeMap<>();
      List<ToolkitProvider> found = discover(loader, problems);
      found.sort(Comparator.comparing(p -> p.getClass().getName()));
      Map<ToolkitProvider, List<String>> served = new LinkedHashMap<>();
      for (ToolkitProvider p : found) {
        if (explicitClasses.contains(p.getClass())) {
          // The host configured this provider itself (e.g. a catalog with clients set in code).
          LOG.log(System.Logger.Level.DEBUG, "Tether provider discovery: {0} is registered explicitly; "
              + "the discovered instance is not used", p.getClass().getName());
          continue;
        }
        Try<List<ToolkitDescriptor>> described = describe(p);
        if (described.isFailure()) {
          problems.add(p.getClass().getName() + " was skipped: " + described.getCause().getMessage());
          continue;
        }
        served.put(p, new ArrayList<>());
        GuardedProvider guarded = new GuardedProvider(p);
        for (ToolkitDescriptor d : described.get()) {
          if (!bySlug.containsKey(d.slug())) { // an explicit provider wins without a word
            claims.computeIfAbsent(d.slug(), s -> new ArrayList<>()).add(new Entry(d, guarded));
          }
        }
      }
      claims.forEach((slug, entries) -> {
        if (entries.size() == 1) {
          Entry only = entries.get(0);
          bySlug.put(slug, only);
          served.get(only.provider().unwrap()).add(slug);
        } else {
          List<String> names = entries.stream().map(e -> e.provider().unwrap().getClass().getName())
              .collect(Collectors.toList());
          problems.add("Toolkit '" + slug + "' is claimed by " + names.size() + " discovered providers ("
              + String.join(", ", names) + "), so neither serves it; choose one with "
              + "Tether.builder().provider(new " + names.get(0) + "()) (an explicit provider wins), or remove "
              + "the jars of the others");
        }
      });
      served.forEach((p, slugs) -> loaded.add(new ProviderReport.LoadedProvider(p.getClass().getName(),
          ProviderReport.Origin.DISCOVERED, slugs)));
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
    // Plain try/catch, not Vavr's Try: Try.of rethrows a LinkageError, and a provider whose class
    // extends a type from a missing optional jar fails in ServiceLoader with a NoClassDefFoundError.
    for (int step = 0; step < MAX_DISCOVERY_STEPS; step++) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (RuntimeException | Error e) {
        GuardedProvider.rethrowIfTheJvms(e);
        if (!isLoadFailure(e)) {
          problems.add("Provider discovery stopped: " + describe(e));
          break;
        }
        problems.add("A provider could not be loaded: " + describe(e)); // and on to the next one
      }
    }
    return found;
  }

  private static boolean isLoadFailure(Throwable t) {
    return t instanceof ServiceConfigurationError || t instanceof LinkageError || t instanceof RuntimeException;
  }

  /**
   * A load failure for the report and the log: the JDK's own message (it names the provider class)
   * and the class of its cause, never the cause's message, which is the plugin's and may hold a
   * secret (a client secret it refused, say), as the guard never repeats one.
   */
  private static String describe(Throwable t) {
    String message = t instanceof ServiceConfigurationError && t.getMessage() != null ? t.getMessage()
        : t.getClass().getName();
    Throwable cause = t.getCause();
    return cause == null ? message : message + " (" + cause.getClass().getName() + ")";
  }

  /**
   * Checks the SPI version and reads the descriptors, catching anything the plugin throws (a
   * {@code LinkageError} from a missing optional dependency too, which Vavr's {@code Try} would
   * rethrow), and naming only its class.
   */
  private static Try<List<ToolkitDescriptor>> describe(ToolkitProvider p) {
    return Try.of(() -> {
      int version;
      try {
        version = p.spiVersion();
      } catch (AbstractMethodError e) {
        throw new IllegalStateException("built against an SPI before version 2, which did not yet require "
            + "spiVersion(); rebuild it against this tether-spi", e);
      } catch (RuntimeException | Error e) {
        throw threw("spiVersion()", e);
      }
      if (version > ToolkitProvider.SPI_VERSION || version < 1) {
        throw new IllegalStateException("built for SPI version " + version + " but this engine speaks "
            + ToolkitProvider.SPI_VERSION + "; use a tether-core that speaks " + version + " or rebuild the "
            + "provider against this tether-spi");
      }
      List<ToolkitDescriptor> toolkits;
      try {
        toolkits = List.copyOf(p.toolkits());
      } catch (RuntimeException | Error e) {
        throw threw("toolkits()", e);
      }
      Set<String> seen = new HashSet<>();
      for (ToolkitDescriptor d : toolkits) {
        if (!seen.add(d.slug())) {
          throw new IllegalStateException("it lists toolkit '" + d.slug() + "' twice");
        }
      }
      return toolkits;
    });
  }

  /** What a plugin's call threw, by class only; the JVM's own failures go on up. */
  private static IllegalStateException threw(String call, Throwable e) {
    GuardedProvider.rethrowIfTheJvms(e);
    return new IllegalStateException("its " + call + " threw " + e.getClass().getName()
        + (e instanceof LinkageError ? " (a class it needs is missing or incompatible: check its dependencies)"
            : ""));
  }

  Optional<Entry> find(String slug) {
    return Optional.ofNullable(bySlug.get(slug));
  }

  /**
   * The toolkit's entry when a session with {@code options} may connect a new account for it.
   *
   * @throws UnknownToolkitException, ToolkitNotEnabledException, IllegalArgumentException (no-auth)
   *     or IllegalStateException (pinned), each naming the toolkit and what to do
   */
  Entry authorizable(String sessionId, SessionOptions options, String toolkit) {
    java.util.Objects.requireNonNull(toolkit, "toolkit");
    String slug = dev.tether.spi.Slugs.normalize(toolkit);
    Entry entry = find(slug).orElseThrow(() -> new UnknownToolkitException(slug, slug.isEmpty()
        ? "The toolkit slug is blank; pass one such as 'gmail'. Available toolkits: " + describeAvailable(slugs()) + "."
        : "Toolkit '" + dev.tether.spi.Slugs.abbreviate(slug) + "' is not served by any provider of this engine; "
            + "available toolkits: " + describeAvailable(slugs()) + ". Add a provider that serves it."));
    if (!options.allows(slug)) {
      // The fix depends on which list left it out.
      throw new ToolkitNotEnabledException(slug, "Toolkit '" + slug + "' is not enabled in session " + sessionId
          + (options.disabledToolkits().contains(slug)
              ? "; it is on the session's deny-list: create the session without it in "
                  + "SessionOptions.builder().disableToolkits(...)"
              : "; create the session with it in SessionOptions.builder().toolkits(...)"));
    }
    if (entry.descriptor().isNoAuth()) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' needs no authorization; it is always active");
    }
    options.pinnedAccount(slug).ifPresent(pinned -> {
      throw new IllegalStateException("Session " + sessionId + " pins account " + pinned + " for '" + slug
          + "'; create a session without the pin to connect another account");
    });
    return entry;
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

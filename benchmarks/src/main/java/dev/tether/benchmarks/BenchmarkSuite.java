package dev.tether.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every measurement and prints Markdown tables with the ratios BENCHMARKS.md reports.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar quick   # a few minutes on 2 cores
 * java -jar benchmarks/target/benchmarks.jar full    # two forks, longer runs: about 25 minutes
 * </pre>
 *
 * The tables are also written to {@code benchmarks/target/results.md}.
 */
public final class BenchmarkSuite {
  private final boolean full;
  private final StringBuilder report = new StringBuilder();

  private BenchmarkSuite(boolean full) {
    this.full = full;
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "quick" : args[0];
    if (!mode.equals("quick") && !mode.equals("full")) {
      System.err.println("usage: java -jar benchmarks.jar [quick|full]");
      System.exit(2);
    }
    BenchmarkSuite suite = new BenchmarkSuite(mode.equals("full"));
    suite.run();
    Path out = Path.of("benchmarks", "target", "results.md");
    if (Files.isDirectory(out.getParent())) {
      Files.writeString(out, suite.report.toString(), StandardCharsets.UTF_8);
      System.out.println("Written to " + out);
    }
  }

  /** A JMH result: mean and 99.9% error, median, in ns/op. */
  record Score(double mean, double error, double median) {
    String show() {
      return String.format(Locale.ROOT, "%,.0f ± %,.0f (median %,.0f)", mean, error, median);
    }
  }

  private void run() throws Exception {
    line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, JDK " + System.getProperty("java.version")
        + " (" + System.getProperty("java.vm.name") + "), " + (full ? "full" : "quick") + " profile.");
    line("");
    Map<String, Score> one = jmh(1);
    Map<String, Score> two = jmh(2);

    line("### Link generation (ns/op, lower is better)");
    line("");
    line("| contender | 1 thread | 2 threads | Tether (text) / this | Tether (URI) / this |");
    line("|---|---|---|---|---|");
    for (String c : List.of("tether", "tether_uri", "floor", "floor_store", "scribejava", "nimbus", "spring")) {
      String key = "LinkGenerationBenchmark." + c;
      line("| " + c + " | " + one.get(key).show() + " | " + two.get(key).show() + " | "
          + ratio(one.get("LinkGenerationBenchmark.tether"), one.get(key)) + " | "
          + ratio(one.get("LinkGenerationBenchmark.tether_uri"), one.get(key)) + " |");
    }
    line("");
    line("### Connection check, all toolkits ACTIVE (ns/op)");
    line("");
    line("| toolkits | Tether typed | Tether JSON | floor (N CHM gets) | Spring × N | typed / floor | JSON / floor | typed / Spring |");
    line("|---|---|---|---|---|---|---|---|");
    for (String n : List.of("1", "10", "50")) {
      Score typed = one.get("ConnectionCheckBenchmark.typed:" + n);
      Score json = one.get("ConnectionCheckBenchmark.json:" + n);
      Score floor = one.get("ConnectionCheckBenchmark.floor:" + n);
      Score spring = one.get("ConnectionCheckBenchmark.spring:" + n);
      line("| " + n + " | " + typed.show() + " | " + json.show() + " | " + floor.show() + " | " + spring.show() + " | "
          + ratio(typed, floor) + " | " + ratio(json, floor) + " | " + ratio(typed, spring) + " |");
    }
    line("");
    line("### Callback completion: authorize + callback (+ deleting the replaced account) per operation (ns/op)");
    line("");
    Score cb = one.get("CallbackBenchmark.authorizeAndCallback");
    line("| 1 thread | 2 threads |");
    line("|---|---|");
    line("| " + cb.show() + " | " + two.get("CallbackBenchmark.authorizeAndCallback").show() + " |");
    line("");
    line("### Two threads against one (throughput ratio = 2 × t1 / t2; 2.0 is perfect)");
    line("");
    line("| benchmark | ratio |");
    line("|---|---|");
    for (String key : one.keySet()) {
      if (two.containsKey(key)) {
        line("| " + key + " | " + String.format(Locale.ROOT, "%.2f", 2 * one.get(key).mean() / two.get(key).mean()) + " |");
      }
    }
    line("");
    line("### Memory, retained heap per entry (bytes)");
    line("");
    line("| entries | Tether ACTIVE account | Tether pending link | Spring OAuth2AuthorizedClient |");
    line("|---|---|---|---|");
    for (int n : List.of(100_000, 1_000_000)) {
      line("| " + String.format(Locale.ROOT, "%,d", n) + " | " + child("MemoryFootprint", "active", n)
          + " | " + child("MemoryFootprint", "pending", n) + " | " + child("MemoryFootprint", "spring", n) + " |");
    }
    line("");
    line("### Expiry: N pending links expiring in one cleanUp() (6 GB heap, pre-touched, transparent huge pages)");
    line("");
    line("| links | expired | ns per expiry | longest caller pause (ms) | caller p99.9 (ms) | caller calls "
        + "| longest collection (ms) | control: longest pause, nothing expiring (ms) | control p99.9 (ms) "
        + "| control: longest collection (ms) | bare caller, no engine: longest pause (ms) | bare p99.9 (ms) "
        + "| bare: longest collection (ms) |");
    line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int n : List.of(100_000, 1_000_000)) {
      String[] f = childLine("ExpiryPause", String.valueOf(n)).split(" ");
      line("| " + String.format(Locale.ROOT, "%,d", n) + " | " + f[2] + " | " + f[3] + " | " + f[4] + " | " + f[5]
          + " | " + f[6] + " | " + f[7] + " | " + f[8] + " | " + f[9] + " | " + f[10] + " | " + f[11] + " | " + f[12]
          + " | " + f[13] + " |");
    }
  }

  private Map<String, Score> jmh(int threads) throws Exception {
    Map<String, Score> scores = new LinkedHashMap<>();
    scores.putAll(jmh(threads, full ? 6 : 5, LinkGenerationBenchmark.class, ConnectionCheckBenchmark.class));
    // The callback path is the largest the JIT compiles; with two threads on two cores its compiler
    // threads starve, and 6 warm-up seconds left later iterations 2-5x slower than steady state.
    scores.putAll(jmh(threads, full ? 15 : 10, CallbackBenchmark.class));
    return scores;
  }

  private Map<String, Score> jmh(int threads, int warmups, Class<?>... benchmarks) throws Exception {
    OptionsBuilder builder = new OptionsBuilder();
    for (Class<?> benchmark : benchmarks) {
      builder.include(benchmark.getName());
    }
    Options options = builder
        .threads(threads)
        .forks(full ? 2 : 1)
        .warmupIterations(warmups).warmupTime(TimeValue.seconds(1))
        .measurementIterations(full ? 8 : 4).measurementTime(TimeValue.seconds(1))
        .timeUnit(TimeUnit.NANOSECONDS)
        .jvmArgsAppend("-Xmx2g")
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Score> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      String param = r.getParams().getParam("toolkits");
      var stats = r.getPrimaryResult().getStatistics();
      scores.put(param == null ? name : name + ":" + param,
          new Score(stats.getMean(), stats.getMeanErrorAt(0.999), stats.getPercentile(50)));
    }
    return scores;
  }

  private String child(String main, String kind, int n) throws Exception {
    String[] f = childLine(main, kind, String.valueOf(n)).split(" ");
    return String.format(Locale.ROOT, "%,.0f", Double.parseDouble(f[3]));
  }

  private String childLine(String main, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx6g"));
    if (main.equals("MemoryFootprint")) {
      command.add("-XX:+UseParallelGC"); // a compacting full GC before each class histogram
    }
    if (main.equals("ExpiryPause")) {
      // On the benchmark VM, on 4 KB pages, threads stall for tens of milliseconds whatever they run
      // (a bare two-thread loop 12-61 ms; cause not traced); on a pre-touched heap of 2 MB pages the
      // same loop sees 4-8 ms, low enough to read the engine against (BENCHMARKS.md, eleventh round).
      command.addAll(List.of("-Xms6g", "-XX:+AlwaysPreTouch", "-XX:+UseTransparentHugePages"));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tether.benchmarks." + main));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String last = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        if (l.startsWith("memory ") || l.startsWith("expiry ")) {
          last = l;
        } else if (l.contains("warning")) {
          System.err.println(main + ": " + l); // e.g. no transparent huge pages: the figures are not comparable
        }
      }
    }
    if (p.waitFor() != 0 || last == null) {
      throw new IllegalStateException(main + " " + String.join(" ", args) + " failed (exit " + p.exitValue() + ")");
    }
    System.out.println(last);
    return last;
  }

  private static String ratio(Score a, Score b) {
    return String.format(Locale.ROOT, "%.2f×", a.mean() / b.mean());
  }

  private void line(String s) {
    System.out.println(s);
    report.append(s).append('\n');
  }
}

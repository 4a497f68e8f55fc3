package dev.tether.pages;

import java.util.List;

/**
 * The default pages' one inline stylesheet, built from a palette whose pairs meet WCAG 2.1 AA
 * contrast (4.5:1 for text, 3:1 for borders and focus rings); {@code StylesheetTest} checks every
 * pair. Thread-safe: constants only.
 */
final class Stylesheet {
  static final String INK = "#111827";
  static final String MUTED = "#4b5563";
  static final String PAPER = "#ffffff";
  static final String BACKDROP = "#f3f4f6";
  static final String ACCENT = "#1d4ed8";
  static final String ON_ACCENT = "#ffffff";
  static final String FIELD_BORDER = "#6b7280";
  static final String ERROR_INK = "#991b1b";
  static final String ERROR_PAPER = "#fef2f2";
  static final String ERROR_BORDER = "#b91c1c";
  static final String OK_INK = "#166534";
  static final String OK_PAPER = "#f0fdf4";

  /** A foreground on a background, and the contrast it needs. */
  record Pair(String what, String foreground, String background, double minimum) {}

  static final List<Pair> PAIRS = List.of(
      new Pair("text", INK, PAPER, 4.5),
      new Pair("text on the backdrop", INK, BACKDROP, 4.5),
      new Pair("secondary text", MUTED, PAPER, 4.5),
      new Pair("links", ACCENT, PAPER, 4.5),
      new Pair("button text", ON_ACCENT, ACCENT, 4.5),
      new Pair("error text", ERROR_INK, ERROR_PAPER, 4.5),
      new Pair("success text", OK_INK, OK_PAPER, 4.5),
      new Pair("field border", FIELD_BORDER, PAPER, 3.0),
      new Pair("invalid field border", ERROR_BORDER, PAPER, 3.0),
      new Pair("focus ring", ACCENT, PAPER, 3.0),
      new Pair("focus ring on the backdrop", ACCENT, BACKDROP, 3.0));

  /** The stylesheet: mobile first, one column of at most 34rem, a visible focus ring on everything. */
  static final String CSS = String.join("",
      "*{box-sizing:border-box}",
      "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}",
      "body{margin:0;background:" + BACKDROP + ";color:" + INK
          + ";font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}",
      "main{max-width:34rem;margin:0 auto;padding:1rem}",
      ".card{background:" + PAPER + ";border:1px solid #d1d5db;border-radius:.5rem;padding:1.25rem;margin-top:1rem}",
      "h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}",
      "h2{font-size:1.125rem;margin:0 0 .5rem}",
      "p{margin:0 0 1rem}",
      ".muted{color:" + MUTED + ";font-size:.875rem}",
      "a{color:" + ACCENT + ";text-decoration-thickness:.08em;text-underline-offset:.15em}",
      "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;overflow-wrap:anywhere}",
      ".field{margin:0 0 1.25rem}",
      "label{display:block;font-weight:600;margin:0 0 .25rem}",
      ".optional{font-weight:400;color:" + MUTED + "}",
      "input{display:block;width:100%;font:inherit;color:" + INK + ";background:" + PAPER
          + ";border:2px solid " + FIELD_BORDER + ";border-radius:.375rem;padding:.625rem .75rem;min-height:2.75rem}",
      "input[aria-invalid=true]{border-color:" + ERROR_BORDER + "}",
      ".field-error{color:" + ERROR_INK + ";font-weight:600;margin:0 0 .25rem}",
      "button,.button{display:inline-block;font:inherit;font-weight:600;color:" + ON_ACCENT + ";background:" + ACCENT
          + ";border:0;border-radius:.375rem;padding:.625rem 1.25rem;min-height:2.75rem;text-decoration:none;cursor:pointer}",
      ":focus-visible{outline:3px solid " + ACCENT + ";outline-offset:2px}",
      "input:focus{outline:3px solid " + ACCENT + ";outline-offset:2px}",
      ".problems{color:" + ERROR_INK + ";background:" + ERROR_PAPER + ";border:2px solid " + ERROR_BORDER
          + ";border-radius:.375rem;padding:1rem;margin:0 0 1.25rem}",
      ".problems ul{margin:0;padding-left:1.25rem}",
      ".problems a{color:" + ERROR_INK + "}",
      ".outcome{border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem;font-weight:600}",
      ".outcome.ok{color:" + OK_INK + ";background:" + OK_PAPER + "}",
      ".outcome.failed{color:" + ERROR_INK + ";background:" + ERROR_PAPER + "}",
      "@media (min-width:40rem){main{padding:2rem 1rem}.card{padding:2rem}}");

  /** The policy that allows this stylesheet inline and nothing else to load. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src " + Html.cspHash(CSS)
      + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private Stylesheet() {}
}

/**
 * Tether for Spring Boot: auto-configuration from {@code tether.*} properties.
 *
 * <ul>
 *   <li>{@link dev.tether.springboot.TetherAutoConfiguration} — the {@code Tether} engine, an
 *       {@code OAuth2Catalog} from {@code tether.providers.*}, the PostgreSQL store on the
 *       application's {@code DataSource};
 *   <li>{@link dev.tether.springboot.TetherWebAutoConfiguration} — the OAuth callback and
 *       connect-link endpoints ({@code tether-pages}) and the MCP servlet ({@code tether-mcp});
 *   <li>{@link dev.tether.springboot.TetherMetricsAutoConfiguration} — Micrometer meters
 *       ({@link dev.tether.springboot.TetherMetrics});
 *   <li>{@link dev.tether.springboot.TetherHealthAutoConfiguration} — the {@code tether} health
 *       indicator;
 *   <li>{@link dev.tether.springboot.TetherProperties} — the settings;
 *       {@link dev.tether.springboot.TetherBuilderCustomizer} — what they do not cover.
 * </ul>
 *
 * <p>The starter translates and decides nothing: every rule is the engine's, every page is
 * {@code tether-pages}'. Each bean backs off when the application defines its own.
 */
package dev.tether.springboot;

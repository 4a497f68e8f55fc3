package dev.tether.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.Session;
import dev.tether.core.ToolDefinition;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The SDK's stateless MCP servers, one per distinct set of meta-tools a session offers. A server
 * holds tool definitions only; each call runs on the session its request proved, which the servlet
 * puts in a request attribute and the transport hands to the tool as its context. So sessions with
 * the same options share a server without ever sharing state, and memory does not grow with the
 * number of sessions or clients. Thread-safe.
 */
final class ToolSetServers {
  /** The request attribute that carries the proved {@link Session} to the tool call. */
  static final String SESSION_ATTRIBUTE = TetherMcpServlet.class.getName() + ".session";
  /** The context key the tool call reads it from. */
  static final String SESSION_KEY = "tether.session";
  /** Sessions differ only in which of a few meta-tools they offer; more sets than this are not cached. */
  static final int MAX_CACHED = 32;

  private final ObjectMapper mapper = new ObjectMapper();
  private final JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(mapper);
  private final DefaultJsonSchemaValidator schemas = new DefaultJsonSchemaValidator(mapper);
  private final String version = versionOf(ToolSetServers.class);
  private final int maxRequestBytes;
  private final ConcurrentMap<List<ToolDefinition>, Served> byTools = new ConcurrentHashMap<>();

  ToolSetServers(int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  /** The transport of the server offering exactly {@code tools}. */
  HttpServletStatelessServerTransport forTools(List<ToolDefinition> tools) {
    Served served = byTools.get(tools);
    if (served == null) {
      served = byTools.size() < MAX_CACHED ? byTools.computeIfAbsent(List.copyOf(tools), this::build) : build(tools);
    }
    return served.transport();
  }

  /** Closes every server: their transports answer {@code 503} from now on. */
  void close() {
    byTools.values().forEach(s -> s.server().closeGracefully());
  }

  private Served build(List<ToolDefinition> tools) {
    HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
        .jsonMapper(json)
        // The servlet routes by session itself; every path it hands over is this server's.
        .messageEndpoint("")
        .contextExtractor(request -> McpTransportContext.create(
            Map.of(SESSION_KEY, request.getAttribute(SESSION_ATTRIBUTE))))
        .maxRequestSize(maxRequestBytes)
        .build();
    List<McpStatelessServerFeatures.SyncToolSpecification> specs = new ArrayList<>(tools.size());
    for (ToolDefinition tool : tools) {
      specs.add(new McpStatelessServerFeatures.SyncToolSpecification(McpTools.tool(tool, json),
          (context, call) -> McpTools.call((Session) context.get(SESSION_KEY), tool.name(), call.arguments(), mapper)));
    }
    McpStatelessSyncServer server = McpServer.sync(transport)
        .serverInfo("tether", version)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        // The engine checks arguments and answers a mistake in words the model can act on; the
        // schema is advice to the model, as it is for every other framework.
        .validateToolInputs(false)
        // Run tools on the request's thread: the servlet transport blocks on the answer anyway.
        .immediateExecution(true)
        .jsonMapper(json)
        .jsonSchemaValidator(schemas)
        .tools(specs)
        .build();
    return new Served(transport, server);
  }

  private static String versionOf(Class<?> type) {
    String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
    return v == null ? "unreleased" : v;
  }

  private record Served(HttpServletStatelessServerTransport transport, McpStatelessSyncServer server) {}
}

package dev.tether.mcp;

import static dev.tether.mcp.McpClients.answer;
import static dev.tether.mcp.McpClients.call;
import static dev.tether.mcp.RawHttp.INITIALIZE;
import static dev.tether.mcp.RawHttp.LIST_TOOLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.McpEndpoint;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.core.ToolkitInfo;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the servlet refuses, and how sessions stay apart. */
class TetherMcpServletTest {
  private static McpTestServer server;

  @BeforeAll
  static void start() {
    server = new McpTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Map<String, String> auth(String value) {
    return Map.of("Authorization", value);
  }

  @Test
  void request_withoutTheRightBearer_orForAnUnknownSession_getsOne401AndNoTools() {
    Session a = server.tether.createSession("alice");
    Session b = server.tether.createSession("bob");
    McpEndpoint ea = a.mcp();
    String aBearer = ea.headers().get("Authorization");
    String bBearer = b.mcp().headers().get("Authorization");
    URI unknown = URI.create(server.origin() + "/mcp/trs_doesNotExist");

    List<HttpResponse<String>> refused = List.of(
        RawHttp.post(ea.url(), LIST_TOOLS, Map.of()),
        RawHttp.post(ea.url(), LIST_TOOLS, auth("Bearer not-the-secret")),
        RawHttp.post(ea.url(), LIST_TOOLS, auth(bBearer)),
        RawHttp.post(ea.url(), LIST_TOOLS, auth(aBearer.replace("Bearer ", "Basic "))),
        RawHttp.post(unknown, LIST_TOOLS, auth(aBearer)),
        RawHttp.post(URI.create(server.origin() + "/mcp/"), LIST_TOOLS, auth(aBearer)),
        RawHttp.post(ea.url(), INITIALIZE, auth("Bearer")));
    for (HttpResponse<String> r : refused) {
      assertThat(r.statusCode()).as(r.request().toString()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(r.body()).isEqualTo(refused.get(0).body()).doesNotContain("COMPOSIO")
          .doesNotContain(aBearer.substring(7)).doesNotContain(bBearer.substring(7));
    }
    assertThat(RawHttp.post(ea.url(), LIST_TOOLS, auth(aBearer)).body()).contains("COMPOSIO_MANAGE_CONNECTIONS");
    // The scheme is case-insensitive (RFC 9110).
    assertThat(RawHttp.post(ea.url(), LIST_TOOLS, auth(aBearer.replace("Bearer ", "bearer "))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void sdkClient_withAWrongBearer_failsToInitialize() {
    Session a = server.tether.createSession("alice");
    try (McpSyncClient client = McpClients.client(a.mcp().url(), auth("Bearer wrong"))) {
      assertThatThrownBy(client::initialize).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void expiredSession_getsTheSame401_andNoTools() throws Exception {
    try (McpTestServer own = new McpTestServer()) {
      Session s = own.tether.createSession("alice");
      McpEndpoint e = s.mcp();
      HttpResponse<String> before = RawHttp.post(e.url(), LIST_TOOLS, e.headers());
      assertThat(before.statusCode()).isEqualTo(200);

      own.clock.advance(Tether.Builder.DEFAULT_SESSION_IDLE_TIMEOUT.plusSeconds(1));

      HttpResponse<String> after = RawHttp.post(e.url(), LIST_TOOLS, e.headers());
      assertThat(after.statusCode()).isEqualTo(401);
      assertThat(after.body()).isEqualTo(RawHttp.post(e.url(), LIST_TOOLS, Map.of()).body())
          .doesNotContain("COMPOSIO");
      try (McpSyncClient client = McpClients.client(e)) {
        assertThatThrownBy(client::initialize).isInstanceOf(RuntimeException.class);
      }
    }
  }

  @Test
  void foreignOrigin_gets403_whileNoOriginAndTheEndpointsOwnOriginPass() {
    McpEndpoint e = server.tether.createSession("alice").mcp();
    Map<String, String> headers = new HashMap<>(e.headers());
    assertThat(RawHttp.post(e.url(), LIST_TOOLS, headers).statusCode()).isEqualTo(200);
    headers.put("Origin", server.origin());
    assertThat(RawHttp.post(e.url(), LIST_TOOLS, headers).statusCode()).isEqualTo(200);
    headers.put("Origin", "http://evil.example");
    HttpResponse<String> foreign = RawHttp.post(e.url(), LIST_TOOLS, headers);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).doesNotContain("COMPOSIO");
    headers.put("Origin", "http://127.0.0.1:1");
    assertThat(RawHttp.post(e.url(), LIST_TOOLS, headers).statusCode()).isEqualTo(403);
  }

  @Test
  void foreignHost_gets421_whileTheEndpointsHostAndLoopbackPass() {
    McpEndpoint e = server.tether.createSession("alice").mcp();
    String bearer = e.headers().get("Authorization");
    String path = e.url().getRawPath();
    assertThat(RawHttp.postWithHost(server.port, "127.0.0.1:" + server.port, path, bearer, LIST_TOOLS))
        .isEqualTo(200);
    assertThat(RawHttp.postWithHost(server.port, "LOCALHOST:" + server.port, path, bearer, LIST_TOOLS))
        .isEqualTo(200);
    // A DNS-rebinding page reaches loopback under its own name.
    assertThat(RawHttp.postWithHost(server.port, "attacker.example:" + server.port, path, bearer, LIST_TOOLS))
        .isEqualTo(421);
  }

  @Test
  void builder_addsOriginsAndHosts_orTurnsTheHostCheckOff() throws Exception {
    try (McpTestServer own = new McpTestServer(t -> TetherMcpServlet.builder(t)
        .allowedOrigins("https://app.example", "http://localhost:*")
        .allowedHosts("mcp.internal")
        .build())) {
      McpEndpoint e = own.tether.createSession("alice").mcp();
      Map<String, String> headers = new HashMap<>(e.headers());
      for (String origin : List.of("https://app.example", "http://localhost:3000", "http://localhost")) {
        headers.put("Origin", origin);
        assertThat(RawHttp.post(e.url(), LIST_TOOLS, headers).statusCode()).as(origin).isEqualTo(200);
      }
      headers.put("Origin", "https://app.example.evil");
      assertThat(RawHttp.post(e.url(), LIST_TOOLS, headers).statusCode()).isEqualTo(403);
      String bearer = e.headers().get("Authorization");
      assertThat(RawHttp.postWithHost(own.port, "mcp.internal", e.url().getRawPath(), bearer, LIST_TOOLS))
          .isEqualTo(200);
      assertThat(RawHttp.postWithHost(own.port, "other.internal", e.url().getRawPath(), bearer, LIST_TOOLS))
          .isEqualTo(421);
    }
    try (McpTestServer own = new McpTestServer(t -> TetherMcpServlet.builder(t).allowAnyHost().build())) {
      McpEndpoint e = own.tether.createSession("alice").mcp();
      assertThat(RawHttp.postWithHost(own.port, "anything.example", e.url().getRawPath(),
          e.headers().get("Authorization"), LIST_TOOLS)).isEqualTo(200);
    }
  }

  @Test
  void builder_refusesMalformedOptions_namingThem() {
    Tether tether = server.tether;
    assertThatIllegalArgumentException().isThrownBy(() -> TetherMcpServlet.builder(tether).allowedOrigins("app.example"))
        .withMessageContaining("app.example");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TetherMcpServlet.builder(tether).allowedOrigins("https://app.example/path"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TetherMcpServlet.builder(tether).allowedHosts("https://mcp.internal"));
    assertThatIllegalArgumentException().isThrownBy(() -> TetherMcpServlet.builder(tether).maxRequestBytes(10));
    assertThatIllegalStateException()
        .isThrownBy(() -> TetherMcpServlet.builder(tether).maxRequestBytes(2048).maxRequestBytes(4096));
    assertThatIllegalStateException()
        .isThrownBy(() -> TetherMcpServlet.builder(tether).allowAnyHost().allowedHosts("mcp.internal"));
    assertThatIllegalStateException()
        .isThrownBy(() -> TetherMcpServlet.builder(tether).allowedHosts("mcp.internal").allowAnyHost());
  }

  @Test
  void oversizedBody_gets413_withOrWithoutContentLength() {
    McpEndpoint e = server.tether.createSession("alice").mcp();
    String padding = " ".repeat(TetherMcpServlet.DEFAULT_MAX_REQUEST_BYTES);
    HttpResponse<String> declared = RawHttp.post(e.url(), LIST_TOOLS + padding, e.headers());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(declared.body()).doesNotContain("COMPOSIO");
    HttpResponse<String> chunked = RawHttp.postChunked(e.url(), (LIST_TOOLS + padding).getBytes(), e.headers());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(RawHttp.post(e.url(), LIST_TOOLS + " ".repeat(1000), e.headers()).statusCode()).isEqualTo(200);
  }

  private static String toolsCall(String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"COMPOSIO_MANAGE_CONNECTIONS\",\"arguments\":" + arguments + "}}";
  }

  /**
   * What the SDK cannot read gets a JSON-RPC error with a fixed sentence: it used to answer a
   * serialized exception (stack trace, JDK version, and the request's text, a secret in it too).
   */
  @Test
  void malformedMessages_getAJsonRpcError_withNoStackTraceOrRequestText() throws Exception {
    Session s = server.tether.createSession("malformed");
    McpEndpoint e = s.mcp();
    Map<String, Integer> codes = new java.util.LinkedHashMap<>();
    codes.put("{not json", -32700);
    codes.put("", -32700);
    codes.put(LIST_TOOLS + " {}", -32700);
    codes.put("[" + LIST_TOOLS + "]", -32600);
    codes.put("{\"jsonrpc\":\"2.0\",\"id\":1}", -32600);
    codes.put("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tools/list\"}", -32600);
    codes.put("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}", -32602);
    codes.put(toolsCall("\"sk-live-SECRET123\""), -32602);
    codes.put(toolsCall("[\"gmail\"]"), -32602);
    // A duplicated key is malformed JSON, as the meta-tools refuse it (CONTRACT §5): nothing is created.
    codes.put(toolsCall("{\"toolkits\":[\"github\"],\"toolkits\":[\"gmail\"]}"), -32700);
    codes.put("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", -32600); // a response: this server asks nothing
    codes.put("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"tools/list\"}", -32600);
    codes.put("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"tools/list\"}", -32600);

    for (Map.Entry<String, Integer> c : codes.entrySet()) {
      HttpResponse<String> r = RawHttp.post(e.url(), c.getKey(), e.headers());
      assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
      assertThat(r.body()).as(c.getKey()).doesNotContain("stackTrace").doesNotContain("java.")
          .doesNotContain("SECRET123");
      JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(answer.path("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(answer.at("/error/code").asInt()).as(c.getKey()).isEqualTo(c.getValue());
    }
    // A string where MCP has an object: refused before the SDK, which would quote the value (in its log too).
    HttpResponse<String> meta = RawHttp.post(e.url(), "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\","
        + "\"params\":{\"name\":\"COMPOSIO_MANAGE_CONNECTIONS\",\"arguments\":{},\"_meta\":\"sk-live-SECRET123\"}}",
        e.headers());
    assertThat(meta.body()).doesNotContain("SECRET123").doesNotContain("stackTrace").doesNotContain("java.");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta.body()).at("/error/code").asInt())
        .isEqualTo(-32602);
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta.body()).at("/id").asInt()).isEqualTo(8);
    // What only the SDK's parser finds wrong: its own message (which may quote the value) is replaced.
    HttpResponse<String> typed = RawHttp.post(e.url(), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"initialize\","
        + "\"params\":{\"protocolVersion\":{\"x\":\"sk-live-SECRET123\"},\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", e.headers());
    assertThat(typed.body()).doesNotContain("SECRET123").doesNotContain("stackTrace");
    // A byte order mark before the message is no reason to refuse it.
    assertThat(RawHttp.post(e.url(), "\uFEFF" + LIST_TOOLS, e.headers()).statusCode()).isEqualTo(200);
    assertThat(server.tether.accounts(dev.tether.core.AccountQuery.ofUser("malformed"))).isEmpty();
    assertThat(RawHttp.post(e.url(), toolsCall("{\"toolkits\":[\"gmail\"]}"), e.headers()).statusCode())
        .as("a well-formed call still runs").isEqualTo(200);
  }

  @Test
  void endpoint_isStateless_noMcpSessionId_noSseStream_nothingToDelete() {
    McpEndpoint e = server.tether.createSession("alice").mcp();
    HttpResponse<String> init = RawHttp.post(e.url(), INITIALIZE, e.headers());
    assertThat(init.statusCode()).isEqualTo(200);
    assertThat(init.headers().firstValue("Mcp-Session-Id")).isEmpty();
    for (String method : List.of("GET", "DELETE")) {
      HttpResponse<String> r = RawHttp.method(method, e.url(), e.headers());
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }
    assertThat(RawHttp.method("GET", e.url(), Map.of()).statusCode()).isEqualTo(401);
  }

  @Test
  void sessions_seeAndRunOnlyTheirOwnTools_evenInParallel() throws Exception {
    Session a = server.tether.createSession("alice");
    Session b = server.tether.createSession("dana", SessionOptions.builder().waitForConnections(true).build());
    try (McpSyncClient ca = McpClients.client(a.mcp()); McpSyncClient cb = McpClients.client(b.mcp())) {
      ca.initialize();
      cb.initialize();
      assertThat(ca.listTools().tools()).extracting(McpSchema.Tool::name)
          .containsExactly("COMPOSIO_MANAGE_CONNECTIONS", "COMPOSIO_SEARCH_TOOLS");
      assertThat(cb.listTools().tools()).extracting(McpSchema.Tool::name)
          .containsExactly("COMPOSIO_MANAGE_CONNECTIONS", "COMPOSIO_SEARCH_TOOLS", "COMPOSIO_WAIT_FOR_CONNECTIONS");

      // B's tool is not A's to run, and B's session id in the arguments does not reach B.
      assertThatThrownBy(() -> call(ca, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}"))
          .hasMessageContaining("Unknown tool");
      McpSchema.CallToolResult crossed = call(ca, "COMPOSIO_MANAGE_CONNECTIONS",
          "{\"toolkits\": [\"gmail\"], \"session_id\": \"" + b.id() + "\"}");
      assertThat(crossed.isError()).isTrue();
      assertThat(b.toolkits().items())
          .allSatisfy(t -> assertThat(t.connection().flatMap(ToolkitInfo.Connection::connectedAccount)).isEmpty());
      // A's secret does not open B's URL.
      assertThat(RawHttp.post(b.mcp().url(), LIST_TOOLS, a.mcp().headers()).statusCode()).isEqualTo(401);

      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<List<String>>> runs = new ArrayList<>();
        for (McpSyncClient client : List.of(ca, cb)) {
          runs.add(pool.submit(() -> {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
              JsonNode r = answer(call(client, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"github\"]}"));
              seen.add(r.at("/data/session/id").asText());
            }
            return seen;
          }));
        }
        assertThat(runs.get(0).get(60, TimeUnit.SECONDS)).containsOnly(a.id());
        assertThat(runs.get(1).get(60, TimeUnit.SECONDS)).containsOnly(b.id());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void nothingLogged_carriesASessionsSecret() throws Exception {
    List<LogRecord> records = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public synchronized void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    Logger sdk = Logger.getLogger("io.modelcontextprotocol");
    Logger ours = Logger.getLogger("dev.tether");
    Level sdkLevel = sdk.getLevel();
    Level ourLevel = ours.getLevel();
    root.addHandler(capture);
    sdk.setLevel(Level.ALL);
    ours.setLevel(Level.ALL);
    try {
      Session s = server.tether.createSession("alice");
      McpEndpoint e = s.mcp();
      try (McpSyncClient client = McpClients.client(e)) {
        client.initialize();
        client.listTools();
        answer(call(client, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}"));
        call(client, "COMPOSIO_MANAGE_CONNECTIONS", "{}");
      }
      RawHttp.post(e.url(), LIST_TOOLS, auth(e.headers().get("Authorization") + "x"));
      RawHttp.post(e.url(), "{not json", e.headers());
      String secret = e.headers().get("Authorization").substring("Bearer ".length());
      synchronized (capture) {
        assertThat(records).isNotEmpty();
        for (LogRecord r : records) {
          String text = new java.util.logging.SimpleFormatter().format(r);
          assertThat(text).doesNotContain(secret);
        }
      }
    } finally {
      root.removeHandler(capture);
      sdk.setLevel(sdkLevel);
      ours.setLevel(ourLevel);
    }
  }

  @Test
  void servlet_afterDestroy_answers503() throws Exception {
    TetherMcpServlet[] made = new TetherMcpServlet[1];
    try (McpTestServer own = new McpTestServer(t -> made[0] = new TetherMcpServlet(t))) {
      McpEndpoint e = own.tether.createSession("alice").mcp();
      assertThat(RawHttp.post(e.url(), LIST_TOOLS, e.headers()).statusCode()).isEqualTo(200);
      made[0].destroy();
      assertThat(RawHttp.post(e.url(), LIST_TOOLS, e.headers()).statusCode()).isEqualTo(503);
    }
  }

}

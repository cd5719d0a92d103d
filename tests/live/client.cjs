// A subscriber through the reference clients a frontend would use: graphql-ws
// (over the `ws` WebSocket) or graphql-sse (distinct connections). The tests
// start it with NODE_PATH at the installed test tools and read what it
// receives, one JSON line each:
//
//   {"connected":true}                 (ws: connection acknowledged)
//   {"next":{...}}                     a result
//   {"error":...}                      the operation failed
//   {"complete":true}                  the server completed it
//   {"closed":{"code":4403,"reason":"..."}}   (ws: the socket closed)
//
//   node client.cjs ws|sse URL '{"query":"subscription { ... }","variables":{}}' [TOKEN]
//
// Lines on stdin are further operations on the same connection (ws), each
// reported with "op": its line number (the first operation is 0).
const [transport, url, first, token] = process.argv.slice(2);

function out(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function describe(error) {
  if (Array.isArray(error)) return error;
  if (error && typeof error === "object" && "code" in error && "reason" in error) {
    return { code: error.code, reason: error.reason };
  }
  return { message: String((error && error.message) || error) };
}

function sinkFor(op) {
  return {
    next: (value) => out({ op, next: value }),
    error: (error) => out({ op, error: describe(error) }),
    complete: () => out({ op, complete: true }),
  };
}

let client;
if (transport === "ws") {
  const { createClient } = require("graphql-ws");
  const WebSocket = require("ws");
  client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : undefined,
    on: {
      connected: () => out({ connected: true }),
      closed: (event) => out({ closed: { code: event.code, reason: event.reason } }),
    },
    onNonLazyError: (error) => out({ error: describe(error) }),
  });
} else if (transport === "sse") {
  const { createClient } = require("graphql-sse");
  client = createClient({
    url,
    retryAttempts: 0,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
} else {
  console.error("transport: ws or sse");
  process.exit(2);
}

client.subscribe(JSON.parse(first), sinkFor(0));
let op = 0;
let pending = "";
process.stdin.on("data", (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line) {
      op += 1;
      client.subscribe(JSON.parse(line), sinkFor(op));
    }
  }
});
process.stdin.on("end", () => {});

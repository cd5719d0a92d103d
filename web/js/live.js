// Live updates: the named subscriptions of /app/operations.graphql over one
// WebSocket to /graphql, by the graphql-transport-ws protocol (the server
// reads every change again under the signed-in role, so what arrives is
// what the page may show). A page follows what it shows; leaving the page
// ends it (main.js calls stopAll). A dropped connection is made again,
// each subscription resuming from the last event it saw.

import { operation } from "./api.js";

const PROTOCOL = "graphql-transport-ws";

let socket = null;
let acknowledged = false;
let nextId = 1;
let retry = 0;
let retryTimer = null;
/** id → { query, variables, onEvent, since } */
const following = new Map();

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function subscribe(id, entry) {
  const variables = { ...entry.variables };
  if (entry.since) variables.since = entry.since;
  send({ id, type: "subscribe", payload: { query: entry.query, variables } });
}

function connect() {
  if (socket || !following.size) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/graphql`, PROTOCOL);
  socket = ws;
  acknowledged = false;
  ws.addEventListener("open", () => {
    // Signed in by the session cookie the upgrade carried.
    send({ type: "connection_init", payload: {} });
  });
  ws.addEventListener("message", (event) => {
    if (socket !== ws) return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    switch (message.type) {
      case "connection_ack":
        acknowledged = true;
        retry = 0;
        for (const [id, entry] of following) subscribe(id, entry);
        break;
      case "ping":
        send({ type: "pong" });
        break;
      case "next": {
        const entry = following.get(message.id);
        const data = message.payload && message.payload.data;
        if (!entry || !data) break;
        const change = Object.values(data)[0];
        if (change && change.eventId) entry.since = change.eventId;
        entry.onEvent(change);
        break;
      }
      case "error":
      case "complete":
        // Refused or ended by the server: not asked for again.
        following.delete(message.id);
        break;
      default:
        break;
    }
  });
  ws.addEventListener("close", (event) => {
    // A socket closed by stopAll, after the next page opened its own.
    if (socket !== ws) return;
    socket = null;
    acknowledged = false;
    // 4403: the sign-in ran out (the page says so on its next request);
    // 4400-4499 otherwise: a mistake here, not worth repeating.
    if (event.code >= 4400 && event.code < 4500) return;
    if (!following.size) return;
    const wait = Math.min(30000, 500 * 2 ** retry++);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, wait);
  });
}

/**
 * Follows subscription `name` with `variables`; `onEvent` gets each change
 * (the payload of the subscription's field). Returns a function that stops.
 */
export async function follow(name, variables, onEvent) {
  if (typeof WebSocket === "undefined") return () => {};
  const query = await operation(name);
  const id = String(nextId++);
  following.set(id, { query, variables, onEvent, since: null });
  if (!socket) connect();
  else if (acknowledged) subscribe(id, following.get(id));
  return () => {
    if (following.delete(id)) send({ id, type: "complete" });
  };
}

/** Ends everything the page followed (a new page is shown). */
export function stopAll() {
  for (const id of following.keys()) send({ id, type: "complete" });
  following.clear();
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  const ws = socket;
  socket = null;
  if (ws) ws.close(1000, "left the page");
}

/**
 * Runs `work` at most once per `ms` after calls stop coming: several
 * changes that land together reload a page once.
 */
export function debounce(work, ms = 250) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => work(...args), ms);
  };
}

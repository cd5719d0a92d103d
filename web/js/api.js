// @ts-check
// The app's only way to data: the named operations of /app/operations.graphql,
// sent one at a time to POST /graphql, as any frontend of a förbund would.

import { ruleText, sentence } from "./rules.js";

// Not the token (the session cookie holds it, where no script reads it):
// only until when the session lasts, shared by every tab of the browser.
const SESSION_KEY = "finsam.session";

let operations = null;

/** Reads the operations file once and splits it into named operations. */
async function loadOperations() {
  if (operations) return operations;
  // Beside this module: under the build's versioned address when loaded so.
  const response = await fetch(new URL("../operations.graphql", import.meta.url));
  if (!response.ok) throw new ApiError("Appens frågor kunde inte läsas in.", "INTERNAL");
  const text = await response.text();
  operations = new Map();
  const starts = [...text.matchAll(/^(query|mutation|subscription) (\w+)/gm)];
  starts.forEach((match, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : text.length;
    // Comment lines belong to the operation below them; strip them here.
    const body = text
      .slice(match.index, end)
      .split("\n")
      .filter((line) => !line.startsWith("#"))
      .join("\n")
      .trim();
    operations.set(match[2], body);
  });
  return operations;
}

export class ApiError extends Error {
  constructor(message, code, field = undefined) {
    super(message);
    this.code = code;
    this.field = field;
    /** The rule's code, when the API named one (`extensions.rule`). @type {string | undefined} */
    this.rule = undefined;
    /** The refusal worded to follow a field's label. @type {string | null} */
    this.text = null;
  }
}

/** Asks the server about the session; rejects with an ApiError. */
async function sessionRequest(method, body) {
  let response;
  try {
    response = await fetch("/auth/session", {
      method,
      headers: body ? { "Content-Type": "application/json", Accept: "application/json" } : { Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError("Servern kunde inte nås. Försök igen om en stund.", "NETWORK");
  }
  if (response.ok) return response.status === 204 ? null : response.json();
  let code = "INTERNAL";
  try {
    code = (await response.json()).errors[0].extensions.code;
  } catch {
    // No readable answer: the status says enough.
  }
  throw new ApiError(code === "UNAUTHENTICATED" ? "Tokenen godtogs inte: den är ogiltig eller har gått ut." : explain(code), code);
}

/**
 * The web app's session: a cookie the server sets (HttpOnly, so no script
 * here can read the token), valid in every tab until the token expires.
 */
export const session = {
  /** Until when (ms) the session lasts, or null without one. */
  until() {
    const stored = Number(localStorage.getItem(SESSION_KEY));
    return Number.isFinite(stored) && stored > 0 ? stored : null;
  },
  active() {
    const until = session.until();
    return until !== null && until > Date.now();
  },
  /** Whether a session this browser had has run out. */
  lapsed() {
    const until = session.until();
    return until !== null && until <= Date.now();
  },
  /** Makes `token` the session; resolves to the caller. */
  async signIn(token) {
    const answer = await sessionRequest("POST", { token });
    localStorage.setItem(SESSION_KEY, String(Date.now() + answer.expiresInSeconds * 1000));
    return answer.principal;
  },
  /** Forgets the session here (it ran out, or was refused). */
  forget() {
    localStorage.removeItem(SESSION_KEY);
  },
  /** Ends the session in every tab. */
  async signOut() {
    session.forget();
    try {
      await sessionRequest("DELETE");
    } catch {
      // The cookie goes with the token's expiry in any case.
    }
  },
};

/** The text of operation `name` (a subscription's, for live.js). */
export async function operation(name) {
  const ops = await loadOperations();
  const query = ops.get(name);
  if (!query) throw new ApiError(`Okänd fråga ${name}.`, "INTERNAL");
  return query;
}

/**
 * Runs operation `name`; resolves to its data, or rejects with an ApiError.
 * Typed by the operation it names (the types Code Generator makes from the
 * schema in CI, tests/clients/): a schema change that breaks a page that is
 * checked (`// @ts-check`) fails the check.
 * @template {keyof import("../../tests/clients/generated/operations-map").Operations} N
 * @param {N} name
 * @param {import("../../tests/clients/generated/operations-map").Operations[N]["variables"]} [variables]
 * @returns {Promise<import("../../tests/clients/generated/operations-map").Operations[N]["result"]>}
 */
export async function run(name, variables = /** @type {any} */ ({})) {
  const query = await operation(name);
  // The session cookie goes with it (same origin); no token in a header.
  const headers = { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" };
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, operationName: name, variables }),
    });
  } catch {
    throw new ApiError("Servern kunde inte nås. Försök igen om en stund.", "NETWORK");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`Servern svarade ${response.status} utan läsbart svar.`, "INTERNAL");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const ext = first.extensions || {};
    // Worded by the rule's code and values, never from the API's English.
    const text = ext.rule ? ruleText(ext.rule, ext.params) : null;
    const err = new ApiError(text ? sentence(text) : explain(ext.code), ext.code, ext.field);
    err.rule = ext.rule;
    // For a form that words it beside its field ("Namn: får inte …").
    err.text = text;
    throw err;
  }
  return body.data;
}

/** A refusal in words a förbund's staff can act on. */
function explain(code) {
  switch (code) {
    case "UNAUTHENTICATED":
      return "Inloggningen gäller inte längre. Logga in igen.";
    case "FORBIDDEN":
      return "Din roll får inte se eller ändra det här.";
    case "NOT_FOUND":
      return "Det finns inget sådant, eller så får du inte se det.";
    case "RATE_LIMITED":
      return "För många frågor på kort tid. Vänta en stund och försök igen.";
    case "SERVICE_UNAVAILABLE":
      return "Databasen svarar inte just nu. Försök igen om en stund.";
    case "CONFLICT":
      return "Någon annan har ändrat detta under tiden. Läs in sidan igen och försök på nytt.";
    case "BAD_USER_INPUT":
      return "En uppgift godtogs inte. Kontrollera det du fyllt i.";
    case "DSO_RING_INVALID":
      return "Ändringen skulle inte ge en hel ring.";
    default:
      return `Något gick fel (${code || "okänt fel"}).`;
  }
}

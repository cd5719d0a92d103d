// The app's only way to data: the named operations of /app/operations.graphql,
// sent one at a time to POST /graphql, as any frontend of a förbund would.

import { ruleText, sentence } from "./rules.js";

const TOKEN_KEY = "finsam.token";

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
  constructor(message, code, field) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export const session = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** The text of operation `name` (a subscription's, for live.js). */
export async function operation(name) {
  const ops = await loadOperations();
  const query = ops.get(name);
  if (!query) throw new ApiError(`Okänd fråga ${name}.`, "INTERNAL");
  return query;
}

/** Runs operation `name`; resolves to its data, or rejects with an ApiError. */
export async function run(name, variables = {}) {
  const query = await operation(name);
  const headers = { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
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

// @ts-check
// A record's history on its page: its entries in the owning förbund's audit
// log, newest first — when, what, who, and each value before and after —
// for those the API says may read that log (`viewerCan.readHistory`: its
// admin, the DSO serving it that day, network_admin).

import { h } from "./dom.js";
import { run } from "./api.js";
import { label, dash, sek, number } from "./format.js";
import { FIELD_LABELS } from "./form-table.js";

/** What each change is called in the history. */
const OPERATIONS = {
  createInsats: "Lades upp",
  updateInsats: "Uppgifterna ändrades",
  extendInsats: "Förlängdes",
  setInsatsBudget: "Budget och förbrukning",
  recordInsatsOutcome: "Resultat rapporterades",
  addInsatsGoal: "Ett mål lades till",
  removeInsatsGoal: "Ett mål togs bort",
  updateInsatsGoal: "Ett mål ändrades",
  shareInsats: "Delningen ändrades",
  carryOverInsats: "Överfördes",
  saveFinanceYear: "Årets budget sparades",
  createBudgetLine: "En budgetrad lades till",
  updateBudgetLine: "En budgetrad ändrades",
  deleteBudgetLine: "En budgetrad togs bort",
  saveFinanceReport: "Rapporten till styrelsen sparades",
  createForbund: "Registrerades",
  updateForbund: "Uppgifterna ändrades",
};

/** Bookkeeping every change touches, left out of what changed. */
const BOOKKEEPING = new Set(["id", "version", "created_at", "updated_at", "search_text", "forbund_id", "insats_id"]);

const ENUMS = { status: "status", visibility: "visibility", orientation: "orientation", category: "category", kind: "memberKind" };

function camel(key) {
  return key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function empty(value) {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
}

/** A number as Swedish writes it: kronor with separators, decimals with a comma. */
function numeric(key, value) {
  if (/_sek$/.test(key)) return sek(value);
  if (!Number.isInteger(value)) return String(value).replace(".", ",");
  return Math.abs(value) >= 10000 && !/year|paragraph|number|code/.test(key) ? number(value) : String(value);
}

/** A value as the history shows it; a list of records a row per line. */
function shown(key, value, names) {
  if (empty(value)) return dash;
  if (ENUMS[key]) return label(ENUMS[key], value);
  if (key === "with" && Array.isArray(value)) return value.map((id) => names.byId[id] || String(id)).join(", ");
  if (typeof value === "number") return numeric(key, value);
  if (Array.isArray(value)) {
    return value.map((item) =>
      h(
        "span",
        { class: "history-item" },
        item && typeof item === "object"
          ? Object.entries(item)
              .filter(([k, v]) => !BOOKKEEPING.has(k) && !empty(v))
              .map(([k, v]) => (typeof v === "number" ? numeric(k, v) : shown(k, v, names)))
              .join(", ")
          : String(item),
      ),
    );
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** A logged record: the row itself (under `insats` or `forbund` where the change kept more beside it). */
function row(value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const { insats, forbund, ...rest } = value;
  const out = {};
  for (const own of [insats, forbund]) {
    if (own && typeof own === "object" && !Array.isArray(own)) Object.assign(out, own);
  }
  return Object.assign(out, rest);
}

/**
 * A change's "after": the record as it became and, beside it, what the
 * change wrote or took away (a goal, a year's budget, an outcome, the
 * förbund it is shared with), which had no "before" of its own.
 */
function split(value) {
  if (!Array.isArray(value)) return { record: row(value), beside: [] };
  const [first, ...rest] = value;
  const beside = rest.map((item) => (Array.isArray(item) ? { with: item } : row(item)));
  return { record: row(first), beside };
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** What an operation does to what it wrote beside the record: adds it, or removes it. */
const REMOVES = new Set(["removeInsatsGoal"]);

/** The changed values of one entry, as rows of Uppgift / Före / Efter. */
function changes(e, names) {
  // A change to something kept beside the record (a goal corrected) logs it
  // before and after too: each of its values is compared like the record's.
  const { record: before, beside: besideBefore } = split(parse(e.before));
  const { record: after, beside } = split(parse(e.after));
  const fieldLabel = (k) => FIELD_LABELS[camel(k)] || k;
  const compare = (was, is) =>
    [...new Set([...Object.keys(was), ...Object.keys(is)])]
      .filter((k) => !BOOKKEEPING.has(k) && !(empty(was[k]) && empty(is[k])) && JSON.stringify(was[k]) !== JSON.stringify(is[k]))
      .map((k) => [fieldLabel(k), shown(k, was[k], names), shown(k, is[k], names)]);
  const rows = compare(before, after);
  if (besideBefore.length) {
    beside.forEach((item, i) => rows.push(...compare(besideBefore[i] || {}, item)));
    return rows;
  }
  const removes = REMOVES.has(e.operation);
  for (const item of beside) {
    for (const [k, v] of Object.entries(item)) {
      if (BOOKKEEPING.has(k) || empty(v)) continue;
      const value = shown(k, v, names);
      rows.push(removes ? [fieldLabel(k), value, dash] : [fieldLabel(k), dash, value]);
    }
  }
  return rows;
}

/** One entry: when, what, who, and each value before and after; none when nothing shows. */
function entry(e, names) {
  const rows = changes(e, names);
  if (!rows.length && (e.operation === "updateInsats" || e.operation === "updateForbund")) return null;
  const when = new Date(e.occurredAt).toLocaleString("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "short", timeStyle: "short" });
  const forbund = e.actor.forbund ? names.bySlug[e.actor.forbund] || e.actor.forbund : null;
  return h(
    "li",
    {},
    h(
      "p",
      { class: "meta" },
      h("time", { datetime: e.occurredAt }, when),
      " · ",
      h("strong", {}, OPERATIONS[e.operation] || e.operation),
      " · ",
      e.actor.sub,
      e.actor.roles.length ? ` (${e.actor.roles.map((r) => label("role", r.toUpperCase())).join(", ")}${forbund ? `, ${forbund}` : ""})` : "",
    ),
    rows.length
      ? h(
          "table",
          { class: "changes" },
          h("thead", {}, h("tr", {}, ["Uppgift", "Före", "Efter"].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, rows.map(([what, was, is]) => h("tr", {}, h("th", { scope: "row" }, what), h("td", {}, was), h("td", {}, is)))),
        )
      : null,
  );
}

/** The row key a global id names ("Forbund:3" → "3"), as the log's records hold it. */
function rowKey(id) {
  try {
    const text = atob(String(id).replace(/-/g, "+").replace(/_/g, "/"));
    const m = /^[A-Za-z]+:(-?\d+)$/.exec(text);
    return m ? m[1] : String(id);
  } catch {
    return String(id);
  }
}

/** Förbund by id and by slug, for naming them in the history. */
async function forbundNames() {
  const data = await run("ForbundDirectory", { first: 100 });
  const byId = {};
  const bySlug = {};
  for (const { node } of data.forbundList.edges) {
    byId[rowKey(node.id)] = node.name;
    bySlug[node.slug] = node.name;
  }
  return { byId, bySlug };
}

/** The history of record `id` of kind `entity`, in förbund `forbund`'s log. */
export async function history({ entity, id, forbund }) {
  const [data, names] = await Promise.all([run("RecordHistory", { forbund, entity, id: String(id) }), forbundNames()]);
  const entries = data.auditLog.edges.map((e) => entry(e.node, names)).filter(Boolean);
  return [
    h("h2", {}, "Historik"),
    entries.length
      ? [
          h("ol", { class: "history" }, entries),
          data.auditLog.totalCount > data.auditLog.edges.length ? h("p", { class: "note" }, `De ${data.auditLog.edges.length} senaste av ${data.auditLog.totalCount} ändringar.`) : null,
        ]
      : h("p", {}, "Inga ändringar sedan uppgifterna registrerades här."),
  ];
}

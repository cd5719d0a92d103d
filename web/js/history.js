// A record's history on its page: its entries in the owning förbund's audit
// log, newest first — when, what, who, and each value before and after —
// for those the API says may read that log (`viewerCan.readHistory`: its
// admin, the DSO serving it that day, network_admin).

import { h } from "./dom.js";
import { run } from "./api.js";
import { label, dash } from "./format.js";
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
  shareInsats: "Delningen ändrades",
  carryOverInsats: "Överfördes",
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

/** A value as the history shows it; a list of records a row per line. */
function shown(key, value) {
  if (empty(value)) return dash;
  if (ENUMS[key]) return label(ENUMS[key], value);
  if (Array.isArray(value)) {
    return value.map((item) =>
      h(
        "span",
        { class: "history-item" },
        item && typeof item === "object"
          ? Object.entries(item)
              .filter(([k, v]) => !BOOKKEEPING.has(k) && !empty(v))
              .map(([k, v]) => shown(k, v))
              .join(", ")
          : String(item),
      ),
    );
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A change's "after" as one flat record: the row itself (under `insats` or
 * `forbund` where the change kept more beside it), with what it added (a
 * year's budget, an outcome, a goal; a förbund's members) laid over it.
 */
function flat(value) {
  const rows = Array.isArray(value) ? value : [value];
  const out = {};
  for (const row of rows) {
    if (!row || typeof row !== "object") continue;
    const { insats, forbund, ...rest } = row;
    for (const own of [insats, forbund]) {
      if (own && typeof own === "object" && !Array.isArray(own)) Object.assign(out, own);
    }
    Object.assign(out, rest);
  }
  return out;
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

/** One entry: when, what, who, and each value before and after. */
function entry(e) {
  const before = flat(parse(e.before));
  const after = flat(parse(e.after));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !BOOKKEEPING.has(k) && !(empty(before[k]) && empty(after[k])) && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  const when = new Date(e.occurredAt).toLocaleString("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "short", timeStyle: "short" });
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
      e.actor.roles.length ? ` (${e.actor.roles.map((r) => label("role", r.toUpperCase())).join(", ")}${e.actor.forbund ? `, ${e.actor.forbund}` : ""})` : "",
    ),
    keys.length
      ? h(
          "table",
          { class: "changes" },
          h("thead", {}, h("tr", {}, ["Uppgift", "Före", "Efter"].map((x) => h("th", { scope: "col" }, x)))),
          h(
            "tbody",
            {},
            keys.map((k) => h("tr", {}, h("th", { scope: "row" }, FIELD_LABELS[camel(k)] || k), h("td", {}, shown(k, before[k])), h("td", {}, shown(k, after[k])))),
          ),
        )
      : null,
  );
}

/** The history of record `id` of kind `entity`, in förbund `forbund`'s log. */
export async function history({ entity, id, forbund }) {
  const data = await run("RecordHistory", { forbund, entity, id: String(id) });
  const entries = data.auditLog.edges.map((e) => e.node);
  return [
    h("h2", {}, "Historik"),
    entries.length
      ? [
          h("ol", { class: "history" }, entries.map(entry)),
          data.auditLog.totalCount > entries.length ? h("p", { class: "note" }, `De ${entries.length} senaste av ${data.auditLog.totalCount} ändringar.`) : null,
        ]
      : h("p", {}, "Inga ändringar sedan uppgifterna registrerades här."),
  ];
}

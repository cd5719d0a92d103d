// What every form page shares: its frame, the refusal a direct address of a
// form one may not use gets, and choosing the förbund a new record belongs
// to from those the API says the caller may create it in.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { failure, navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";

/** The page around a form: where it is, its heading, the form. */
export function formPage(crumbs, heading, ...body) {
  return h(
    "article",
    { class: "form-page" },
    h("p", { class: "crumbs" }, crumbs.map((c, i) => [i ? " / " : "", c])),
    h("h1", {}, heading),
    body,
  );
}

/** Why there is no form here, and a way to sign in with a role that may. */
export function refused(principal, what) {
  const err = new ApiError(
    principal ? `Din roll får inte ${what}.` : `Logga in med en roll som får ${what}.`,
    principal ? "FORBIDDEN" : "UNAUTHENTICATED",
  );
  return h("article", { class: "form-page" }, h("h1", {}, "Inget formulär här"), failure(err, Boolean(principal)));
}

/**
 * The form for a new record of a förbund: the caller's own when it may
 * (`viewerCan[can]`), else a choice among those it may (a network admin).
 * `spec` is null when there are none.
 */
export async function creatable(principal, query, spec, can) {
  const data = await run("ForbundChoices");
  const allowed = data.forbundList.edges.map((e) => e.node).filter((f) => f.viewerCan[can]);
  if (!allowed.length) return { spec: null };
  const own = principal && principal.forbund && allowed.find((f) => f.slug === principal.forbund.slug);
  if (own) return { spec, context: { forbund: own.slug }, own };
  return {
    spec: {
      ...spec,
      context: (spec.context || []).filter((name) => name !== "forbund"),
      order: ["forbund", ...(spec.order || [])],
      fields: { ...spec.fields, forbund: { choices: allowed.map((f) => [f.slug, f.name]) } },
      initial: { forbund: query.get("forbund") || "" },
    },
    context: {},
    own: null,
  };
}

/**
 * The page of a form that changes one record, at /{kind}/{id}/{åtgärd}
 * (or /{kind}/ny for a new one): the record loaded, the caller's right to
 * the form checked (`viewerCan`), the form built from the one table with
 * the record's values, a reload on conflict, a live notice when someone
 * else saves, and back to the record when saved. `kind` says what differs:
 *
 * - `actions`: the address part of each form → `{ form, can }`;
 * - `create(page)`: the page of a new record;
 * - `load(id)`: the record (NOT_FOUND when there is none to see);
 * - `title(record, spec)`: the page's title; `refusal(record)`: what the
 *   caller may not do, when it may not;
 * - `prepare(record, chosen, spec, query)`: the form's spec, context and
 *   values, and its address's query, if any (`{ spec, context, values, query }`);
 * - `values(record, chosen, query)`: the values again after a reload;
 * - `back(record)`, `crumbs(record)`, `heading(record, spec)`, `entity`;
 * - `hint(record, chosen)`: a line above the form, if any.
 */
export async function recordFormPage({ params, principal, query }, kind, setTitle) {
  const [id, action] = params;
  if (id === "ny" && action === undefined) return kind.create({ principal, query });
  const chosen = kind.actions[action];
  if (!chosen) throw new ApiError("Sidan finns inte.", "NOT_FOUND");
  const record = await kind.load(id);
  const spec = FORMS[chosen.form];
  setTitle(kind.title(record, spec));
  if (!record.viewerCan[chosen.can]) return refused(principal, kind.refusal(record));
  const prepared = await kind.prepare(record, chosen, spec, query);
  const body = await form({
    spec: prepared.spec || spec,
    id: `${kind.path}/${id}/${action}${prepared.query || ""}`,
    context: prepared.context,
    record: prepared.values,
    reload: async () => {
      const fresh = await kind.load(id);
      return { record: kind.values(fresh, chosen, query) || {}, version: fresh.version };
    },
    saved: () => navigate(kind.back(record), { force: true }),
    live: { entity: kind.entity, id },
  });
  return formPage(
    kind.crumbs(record),
    kind.heading(record, spec),
    kind.hint ? kind.hint(record, chosen) : null,
    body,
  );
}

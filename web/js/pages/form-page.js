// What every form page shares: its frame, the refusal a direct address of a
// form one may not use gets, and choosing the förbund a new record belongs
// to from those the API says the caller may create it in.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { failure } from "../nav.js";

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
  return h("article", { class: "form-page" }, h("h1", {}, "Inget formulär här"), failure(err));
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

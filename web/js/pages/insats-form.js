// /insatser/ny and /insatser/{id}/{åtgärd}: the changes to an insats, each a
// form from the one table (form-table.js), offered only where the API says
// the caller may make it (`viewerCan`); a direct address of a form one may
// not use says why and offers to sign in.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { today } from "../format.js";
import { formPage, refused, creatable } from "./form-page.js";

let pageTitle = "Insats";
export const title = () => pageTitle;

/** The address part of each form of an insats, and what it may need. */
export const ACTIONS = {
  redigera: { form: "updateInsats", can: "update", link: "Ändra uppgifterna" },
  forlang: { form: "extendInsats", can: "extend", link: "Förläng" },
  budget: { form: "setInsatsBudget", can: "setBudget", link: "Budget och förbrukning" },
  resultat: { form: "recordInsatsOutcome", can: "recordOutcome", link: "Rapportera resultat" },
  mal: { form: "addInsatsGoal", can: "editGoals", link: "Lägg till mål" },
  dela: { form: "shareInsats", can: "share", link: "Dela" },
  overfor: { form: "carryOverInsats", can: "carryOver", link: "Överför" },
};

async function choices() {
  const data = await run("ForbundChoices");
  return data.forbundList.edges.map((e) => e.node).filter((f) => !f.dissolvedOn);
}

/** /insatser/ny: for the förbund the caller may create insatser in. */
async function create({ principal, query }) {
  pageTitle = "Ny insats";
  const { spec, context, own } = await creatable(principal, query, FORMS.createInsats, "createInsats");
  if (!spec) return refused(principal, "lägga upp insatser");
  const body = await form({
    spec,
    id: "/insatser/ny",
    context,
    saved: (insats) => navigate(`/insatser/${insats.id}`, { force: true }),
  });
  return formPage([h("a", { href: "/insatser" }, "Insatser"), "Ny"], own ? `Ny insats för ${own.name}` : "Ny insats", body);
}

/** The values of an insats as its forms' fields name them. */
function asRecord(insats, formName, query) {
  switch (formName) {
    case "shareInsats":
      return { visibility: insats.visibility, with: insats.sharedWith.map((f) => f.slug) };
    case "setInsatsBudget": {
      const year = Number(query.get("ar")) || Number(today().slice(0, 4));
      const row = insats.budgets.find((b) => b.year === year);
      return row ? { ...row } : { year };
    }
    case "updateInsats":
      return insats;
    default:
      return null;
  }
}

export async function render({ params, principal, query }) {
  const [id, action] = params;
  if (id === "ny" && action === undefined) return create({ principal, query });
  const chosen = ACTIONS[action];
  if (!chosen) throw new ApiError("Sidan finns inte.", "NOT_FOUND");
  const load = async () => {
    const data = await run("InsatsForm", { id });
    if (!data.insats) throw new ApiError("Insatsen finns inte, eller så får du inte se den.", "NOT_FOUND");
    return data.insats;
  };
  const insats = await load();
  const spec = FORMS[chosen.form];
  pageTitle = `${spec.title}: ${insats.name}`;
  if (!insats.viewerCan[chosen.can]) return refused(principal, `ändra ${insats.name}`);
  let current = spec;
  if (chosen.form === "shareInsats" || chosen.form === "carryOverInsats") {
    const list = (await choices()).filter((f) => f.slug !== insats.forbund.slug).map((f) => [f.slug, f.name]);
    const field = chosen.form === "shareInsats" ? "with" : "to";
    current = { ...spec, fields: { ...spec.fields, [field]: { ...(spec.fields[field] || {}), choices: list } } };
  }
  const record = asRecord(insats, chosen.form, query);
  const body = await form({
    spec: current,
    id: `/insatser/${id}/${action}${chosen.form === "setInsatsBudget" && record ? `?ar=${record.year}` : ""}`,
    context: { id, version: insats.version },
    record,
    reload: async () => {
      const fresh = await load();
      return { record: asRecord(fresh, chosen.form, query) || {}, version: fresh.version };
    },
    saved: () => navigate(`/insatser/${id}`, { force: true }),
    live: { entity: "Insats", id },
  });
  return formPage(
    [h("a", { href: "/insatser" }, "Insatser"), h("a", { href: `/insatser/${id}` }, insats.name)],
    spec.title,
    chosen.form === "setInsatsBudget" && insats.budgets.length
      ? h("p", { class: "hint" }, "Registrerade år: ", insats.budgets.map((b, i) => [i ? ", " : "", h("a", { href: `/insatser/${id}/budget?ar=${b.year}` }, String(b.year))]))
      : null,
    body,
  );
}

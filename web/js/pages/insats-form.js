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
import { formPage, refused, creatable, recordFormPage } from "./form-page.js";

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

/** What the insats's forms need beyond the shared page (form-page.js). */
const INSATS = {
  path: "/insatser",
  entity: "Insats",
  actions: ACTIONS,
  create,
  async load(id) {
    const data = await run("InsatsForm", { id });
    if (!data.insats) throw new ApiError("Insatsen finns inte, eller så får du inte se den.", "NOT_FOUND");
    return data.insats;
  },
  title: (insats, spec) => `${spec.title}: ${insats.name}`,
  refusal: (insats) => `ändra ${insats.name}`,
  async prepare(insats, chosen, spec, query) {
    let current = spec;
    if (chosen.form === "shareInsats" || chosen.form === "carryOverInsats") {
      const list = (await choices()).filter((f) => f.slug !== insats.forbund.slug).map((f) => [f.slug, f.name]);
      const field = chosen.form === "shareInsats" ? "with" : "to";
      current = { ...spec, fields: { ...spec.fields, [field]: { ...(spec.fields[field] || {}), choices: list } } };
    }
    const values = asRecord(insats, chosen.form, query);
    return {
      spec: current,
      context: { id: insats.id, version: insats.version },
      values,
      query: chosen.form === "setInsatsBudget" && values ? `?ar=${values.year}` : "",
    };
  },
  values: (insats, chosen, query) => asRecord(insats, chosen.form, query),
  back: (insats) => `/insatser/${insats.id}`,
  crumbs: (insats) => [h("a", { href: "/insatser" }, "Insatser"), h("a", { href: `/insatser/${insats.id}` }, insats.name)],
  heading: (insats, spec) => spec.title,
  hint: (insats, chosen) =>
    chosen.form === "setInsatsBudget" && insats.budgets.length
      ? h("p", { class: "hint" }, "Registrerade år: ", insats.budgets.map((b, i) => [i ? ", " : "", h("a", { href: `/insatser/${insats.id}/budget?ar=${b.year}` }, String(b.year))]))
      : null,
};

export function render(page) {
  return recordFormPage(page, INSATS, (t) => {
    pageTitle = t;
  });
}

// @ts-check
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
  // Reached from a goal's own "Ändra" (`?mal=` names it).
  "andra-mal": { form: "updateInsatsGoal", can: "editGoals", link: null },
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

/** A reported figure's value (an editor of the insats sees them all). */
const v = (cell) => (cell ? cell.value : null);

/**
 * The report of the period ending `?till=` (its whole and its kommun rows),
 * as the outcome form's fields name them: recording it again corrects it.
 */
function reportOf(insats, query) {
  const to = query.get("till");
  if (!to) return null;
  const rows = insats.outcomes.filter((o) => o.periodTo === to);
  const whole = rows.find((o) => !o.municipality);
  if (!whole) throw new ApiError("Insatsen har inget resultat för den perioden.", "NOT_FOUND");
  const c = whole.closuresByReason;
  return {
    periodFrom: whole.periodFrom,
    periodTo: whole.periodTo,
    participants: v(whole.participants),
    participantsWomen: v(whole.participantsWomen),
    participantsMen: v(whole.participantsMen),
    closures: v(whole.closures),
    closuresWork: v(c.work),
    closuresStudies: v(c.studies),
    closuresLabourMarketTraining: v(c.labourMarketTraining),
    closuresCompleted: v(c.completed),
    closuresNotInfluenceable: v(c.notInfluenceable),
    closuresOther: v(c.other),
    shareReachedGoalPercent: whole.shareReachedGoalPercent,
    meanMonthsInInsats: whole.meanMonthsInInsats,
    note: whole.note,
    municipalities: rows
      .filter((o) => o.municipality)
      .map((o) => ({ municipality: o.municipality, participants: v(o.participants), participantsWomen: v(o.participantsWomen), participantsMen: v(o.participantsMen) })),
  };
}

/** The goal `?mal=` names. */
function goalOf(insats, query) {
  const goal = insats.goals.find((g) => g.id === query.get("mal"));
  if (!goal) throw new ApiError("Insatsen har inget sådant mål.", "NOT_FOUND");
  return goal;
}

/** The values of an insats as its forms' fields name them. */
function asRecord(insats, formName, query) {
  switch (formName) {
    case "recordInsatsOutcome":
      return reportOf(insats, query);
    case "updateInsatsGoal":
      return goalOf(insats, query);
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
    if (chosen.form === "recordInsatsOutcome") {
      // A kommun is chosen among the förbund's member kommuner, as they are
      // named in its member list.
      const kommuner = insats.forbundMembers.members.filter((m) => m.kind === "MUNICIPALITY").map((m) => [m.name, m.name]);
      if (kommuner.length) {
        const rows = { ...((spec.fields.municipalities || {}).rowFields || {}), municipality: { choices: kommuner } };
        current = { ...current, fields: { ...current.fields, municipalities: { ...(current.fields.municipalities || {}), rowFields: rows } } };
      }
    }
    const values = asRecord(insats, chosen.form, query);
    const address = {
      setInsatsBudget: values ? `?ar=${values && values.year}` : "",
      recordInsatsOutcome: query.get("till") ? `?till=${query.get("till")}` : "",
      updateInsatsGoal: `?mal=${query.get("mal")}`,
    };
    return {
      spec: current,
      context: chosen.form === "updateInsatsGoal" ? { id: insats.id, version: insats.version, goal: query.get("mal") } : { id: insats.id, version: insats.version },
      values,
      query: address[chosen.form] || "",
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

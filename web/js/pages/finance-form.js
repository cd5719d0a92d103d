// /forbund/{slug}/budget?ar=, /forbund/{slug}/budgetrad?ar=[&rad=] and
// /forbund/{slug}/publicera?ar=&tom=: a förbund's budget of a year, a line
// of it, and the report its board receives, each a form from the one table
// (form-table.js), offered where the API says the caller may
// (`viewerCan.editFinances`). Saving leads back to the report.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { formPage, refused } from "./form-page.js";

let pageTitle = "Ekonomi";
export const title = () => pageTitle;

/** The choices of a field, and the rest of its spec as it is. */
function choose(spec, name, choices) {
  return { ...spec, fields: { ...spec.fields, [name]: { ...(spec.fields || {})[name], choices } } };
}

function withRowChoices(spec, name, row, choices) {
  const own = (spec.fields || {})[name] || {};
  const rowFields = { ...(own.rowFields || {}), [row]: { ...((own.rowFields || {})[row] || {}), choices } };
  return { ...spec, fields: { ...spec.fields, [name]: { ...own, rowFields } } };
}

export async function render({ params, principal, query }) {
  const [slug, action] = params;
  const year = Number(query.get("ar"));
  if (!Number.isInteger(year) || year < 2004) throw new ApiError("Ange året i adressen (?ar=2026).", "NOT_FOUND");
  const data = await run("FinanceForm", { slug, year, from: `${year}-01-01`, to: `${year + 1}-12-31` });
  const f = data.forbund;
  if (!f) throw new ApiError("Förbundet finns inte.", "NOT_FOUND");
  const finances = f.finances;
  const back = `/forbund/${slug}/rapport?ar=${year}`;
  const crumbs = [h("a", { href: `/forbund/${slug}` }, f.name), h("a", { href: back }, `Rapport ${year}`)];
  const saved = (to) => () => navigate(to, { force: true });

  if (action === "budget") {
    pageTitle = `${FORMS.saveFinanceYear.title} ${year}`;
    if (!f.viewerCan.editFinances) return refused(principal, `ändra budgeten för ${f.name}`);
    const record = finances
      ? {
          ...finances,
          // The total is the members' sum when they are given one by one.
          contributionsSek: finances.memberContributions.length ? null : finances.contributionsSek,
        }
      : null;
    const spec = withRowChoices(FORMS.saveFinanceYear, "memberContributions", "member", f.members.map((m) => [m.name, m.name]));
    const body = await form({
      spec,
      id: `/forbund/${slug}/budget?ar=${year}`,
      context: { forbund: slug, year, version: finances ? finances.version : null },
      record,
      saved: saved(back),
    });
    return formPage(crumbs, `Budget ${year} för ${f.name}`, body);
  }

  if (action === "budgetrad") {
    const lineId = query.get("rad");
    const line = lineId && finances ? finances.lines.find((l) => l.id === lineId) : null;
    if (lineId && !line) throw new ApiError("Budgetraden finns inte.", "NOT_FOUND");
    const chosen = line ? FORMS.updateBudgetLine : FORMS.createBudgetLine;
    pageTitle = line ? `${chosen.title}: ${line.name}` : `${chosen.title} ${year}`;
    if (!f.viewerCan.editFinances) return refused(principal, `ändra budgeten för ${f.name}`);
    const spec = choose(chosen, "insats", f.insatser.edges.map((e) => [e.node.id, e.node.name]));
    const record = line ? { ...line, insats: line.insatsId, budgetSek: line.insatsId ? null : line.budgetSek, outcomeSek: line.insatsId ? null : line.outcomeSek, outcomeThrough: line.insatsId ? null : line.outcomeThrough } : null;
    const body = await form({
      spec,
      id: `/forbund/${slug}/budgetrad?ar=${year}${line ? `&rad=${line.id}` : ""}`,
      context: line ? { id: line.id, version: line.version, forbund: slug, year } : { forbund: slug, year },
      record,
      saved: saved(back),
    });
    const remove = line
      ? h(
          "p",
          {},
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: async () => {
                if (!confirm(`Ta bort raden ${line.name} ur budgeten ${year}?`)) return;
                await run("DeleteBudgetLine", { id: line.id, version: line.version });
                navigate(back, { force: true });
              },
            },
            "Ta bort raden",
          ),
        )
      : null;
    return formPage(crumbs, line ? `${chosen.title}: ${line.name}` : `Ny budgetrad ${year} för ${f.name}`, body, remove);
  }

  if (action === "publicera") {
    const through = query.get("tom") || `${year}-12-31`;
    pageTitle = FORMS.saveFinanceReport.title;
    if (!f.viewerCan.editFinances) return refused(principal, `spara rapporter för ${f.name}`);
    const report = (await run("FinanceReport", { forbund: slug, year, through })).financeReport;
    const decisions = data.meetings.flatMap((m) => m.decisions.map((d) => [d.id, `${m.heldOn}${d.paragraph ? ` § ${d.paragraph}` : ""}: ${(d.text || "").slice(0, 80)}`]));
    const spec = choose(FORMS.saveFinanceReport, "decision", decisions);
    const record = report && report.id
      ? {
          title: report.title,
          published: report.published,
          publishedOn: report.publishedOn,
          decision: report.decision ? report.decision.id : null,
          reportedFigures: await stated(slug, year, through),
        }
      : null;
    const to = `/forbund/${slug}/rapport?ar=${year}&tom=${through}`;
    const body = await form({
      spec,
      id: `/forbund/${slug}/publicera?ar=${year}&tom=${through}`,
      context: { forbund: slug, year, through, version: report ? report.version : null },
      record,
      saved: saved(to),
    });
    return formPage([crumbs[0], h("a", { href: to }, `Rapport t.o.m. ${through}`)], `${FORMS.saveFinanceReport.title} t.o.m. ${through}`, body);
  }
  throw new ApiError("Sidan finns inte.", "NOT_FOUND");
}

/** The figures a stored report states, as the form's rows name them. */
async function stated(slug, year, through) {
  const data = await run("FinanceReportFigures", { forbund: slug, year, through });
  const r = data.financeReport;
  return r ? r.figures.filter((x) => x.reported !== null).map((x) => ({ figure: x.figure, year: x.year, value: x.reported })) : [];
}

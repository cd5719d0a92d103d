// @ts-check
// /insatser/{id}: one insats — owner, period with its extensions, target
// group and ages, goals, yearly budgets with spending (signed in), outcomes
// per period and kommun with hidden small cells shown as "–", decisions, and
// where it was carried over from and to.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate, failure } from "../nav.js";
import { ACTIONS } from "./insats-form.js";
import { history } from "../history.js";
import { label, sek, percent, number, decimal, period, date, dash } from "../format.js";
import { table } from "../charts.js";

let pageTitle = "Insats";
export const title = () => pageTitle;

function facts(rows) {
  return h(
    "dl",
    { class: "facts" },
    rows.filter(([, value]) => value !== null && value !== undefined && value !== "").map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]),
  );
}

function cell(count) {
  return count.suppressed ? dash : number(count.value);
}

function budgets(insats) {
  if (insats.budgets === null) {
    return h("p", { class: "message" }, "Budgetar visas för inloggad personal. ", h("a", { href: `/login?back=/insatser/${insats.id}` }, "Logga in"));
  }
  if (!insats.budgets.length) return h("p", {}, "Ingen budget registrerad.");
  return h(
    "table",
    { class: "budgets" },
    h("thead", {}, h("tr", {}, ["År", "Budget", "Förbrukat", "Nyttjandegrad"].map((x) => h("th", { scope: "col" }, x)))),
    h(
      "tbody",
      {},
      insats.budgets.map((b) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, String(b.year)),
          h("td", {}, sek(b.budgetSek)),
          h("td", {}, b.spentSek === null ? dash : `${sek(b.spentSek)}${b.spentThrough ? ` (t.o.m. ${b.spentThrough})` : ""}`),
          h(
            "td",
            {},
            b.utilisationPercent === null
              ? dash
              : h(
                  "span",
                  { class: "utilisation" },
                  h("meter", { min: 0, max: 100, value: Math.min(100, b.utilisationPercent), "aria-label": `Nyttjandegrad ${percent(b.utilisationPercent)}` }),
                  ` ${percent(b.utilisationPercent)}`,
                ),
          ),
        ),
      ),
    ),
  );
}

/** The reported outcomes; `correct(o)`, when given, the address to correct a period's report. */
function outcomes(list, correct) {
  if (!list.length) return h("p", {}, "Inga resultat rapporterade.");
  const hidden = list.some((o) =>
    [o.participants, o.participantsWomen, o.participantsMen, o.closures, ...Object.values(o.closuresByReason)].some((c) => c.suppressed),
  );
  const where = (o) => `${period(o.periodFrom, o.periodTo)}${o.municipality ? ` · ${o.municipality}` : " · alla"}`;
  const rows = list.map((o) => [
    where(o),
    cell(o.participants),
    cell(o.participantsWomen),
    cell(o.participantsMen),
    cell(o.closures),
    cell(o.closuresByReason.work),
    cell(o.closuresByReason.studies),
    cell(o.closuresByReason.labourMarketTraining),
    cell(o.closuresByReason.completed),
    cell(o.closuresByReason.notInfluenceable),
    cell(o.closuresByReason.other),
    percent(o.shareReachedGoalPercent),
    decimal(o.meanMonthsInInsats),
  ]);
  const notes = list.filter((o) => o.note);
  return h(
    "div",
    { class: "scroll outcomes" },
    table(
      [
        "Period och kommun", "Deltagare", "Kvinnor", "Män", "Avslut", "Arbete", "Studier",
        "Arbetsmarknadsutbildning", "Fullföljd insats", "Ej påverkbart", "Annat",
        "Nått målet", "Månader i insatsen (medel)",
      ],
      rows,
    ),
    hidden
      ? h("p", { class: "note" }, "– = dolt: antal under fem visas inte för andra förbund, och inte heller ett antal som skulle gå att räkna ut ur summan (små tal kan peka ut enskilda personer).")
      : null,
    notes.length ? h("ul", { class: "notes" }, notes.map((o) => h("li", {}, `${where(o)}: ${o.note}`))) : null,
    correct
      ? h(
          "ul",
          { class: "corrections" },
          list
            .filter((o) => !o.municipality)
            .map((o) => h("li", {}, h("a", { href: correct(o) }, `Rätta resultatet för ${period(o.periodFrom, o.periodTo)}`))),
        )
      : null,
  );
}

/** The changes the API says the caller may make, as links to their forms. */
function actions(insats) {
  const links = Object.entries(ACTIONS).filter(([, a]) => a.link && insats.viewerCan[a.can]);
  if (!links.length) return null;
  return h(
    "nav",
    { class: "record-actions", "aria-label": "Ändra insatsen" },
    h("ul", {}, links.map(([path, a]) => h("li", {}, h("a", { href: `/insatser/${insats.id}/${path}` }, a.link)))),
  );
}

const problem = h("div");

function removeGoal(insats, goal) {
  return h(
    "button",
    {
      type: "button",
      class: "secondary small",
      "aria-label": `Ta bort målet ${goal.description}`,
      onclick: async (event) => {
        if (!confirm(`Ta bort målet "${goal.description}"?`)) return;
        event.target.disabled = true;
        try {
          await run("RemoveInsatsGoal", { id: insats.id, version: insats.version, goal: goal.id });
          navigate(`/insatser/${insats.id}`, { replace: true });
        } catch (err) {
          event.target.disabled = false;
          problem.replaceChildren(failure(err));
        }
      },
    },
    "Ta bort",
  );
}

/** The page is drawn again when someone saves the insats. */
export const live = ({ params }) => [["RecordChanged", { entity: "Insats", id: params[0] }]];

export async function render({ params }) {
  problem.replaceChildren();
  const data = await run("InsatsPage", { id: params[0] });
  const insats = data.insats;
  if (!insats) throw new ApiError("Insatsen finns inte, eller så får du inte se den.", "NOT_FOUND");
  pageTitle = insats.name;
  const changes = insats.viewerCan.readHistory ? await history({ entity: "Insats", id: insats.id, forbund: insats.forbund.slug }) : null;
  const ages = insats.ageMin !== null || insats.ageMax !== null ? `${insats.ageMin ?? "…"}–${insats.ageMax ?? "…"} år` : null;
  return h(
    "article",
    { class: "insats-page" },
    h("p", { class: "crumbs" }, h("a", { href: "/insatser" }, "Insatser"), " / ", h("a", { href: `/forbund/${insats.forbund.slug}` }, insats.forbund.name)),
    h("h1", {}, insats.name),
    actions(insats),
    insats.description ? h("p", { class: "lead" }, insats.description) : null,
    facts([
      ["Förbund", h("a", { href: `/forbund/${insats.forbund.slug}` }, insats.forbund.name)],
      ["Status", label("status", insats.status)],
      ["Inriktning", insats.orientation ? label("orientation", insats.orientation) : null],
      ["Kategori", insats.category ? label("category", insats.category) : null],
      ["Ägare", insats.ownerOrganisation],
      ["Utförare", insats.executorOrganisation],
      ["Period", period(insats.startsOn, insats.endsOn)],
      ["Ursprungligt slut", insats.extended ? date(insats.originalEndsOn) : null],
      ["Målgrupp", insats.targetGroup],
      ["Ålder", ages],
      ["Årsplatser", insats.capacityYearPlaces === null ? null : number(insats.capacityYearPlaces)],
      ["Mål antal deltagare", insats.targetParticipants === null ? null : number(insats.targetParticipants)],
      ["Beviljat", insats.allocatedSek === null ? null : sek(insats.allocatedSek)],
      ["Total budget", insats.budgetTotalSek === null || insats.budgetTotalSek === undefined ? null : sek(insats.budgetTotalSek)],
      ["Synlighet", label("visibility", insats.visibility)],
    ]),
    insats.extensions.length
      ? [h("h2", {}, "Förlängningar"), h("ul", {}, insats.extensions.map((e) => h("li", {}, `${date(e.previousEndsOn)} → ${e.newEndsOn}`, e.decidedOn ? ` (beslut ${e.decidedOn})` : "", e.note ? ` – ${e.note}` : "")))]
      : null,
    insats.goals.length
      ? [
          h("h2", {}, "Mål"),
          h(
            "ul",
            { class: "goals" },
            insats.goals.map((g) =>
              h(
                "li",
                {},
                g.description,
                // Each stored part shows, the horizon also without a target.
                g.targetPercent !== null || g.horizonMonths !== null
                  ? ` (${[g.targetPercent !== null ? percent(g.targetPercent) : null, g.horizonMonths !== null ? `efter ${g.horizonMonths} månader` : null].filter(Boolean).join(" ")})`
                  : "",
                insats.viewerCan.editGoals
                  ? [
                      " ",
                      h("a", { href: `/insatser/${insats.id}/andra-mal?mal=${g.id}` }, "Ändra", h("span", { class: "visually-hidden" }, ` målet ${g.description}`)),
                      " ",
                      removeGoal(insats, g),
                    ]
                  : null,
              ),
            ),
          ),
          problem,
        ]
      : null,
    h("h2", {}, "Budget"),
    budgets(insats),
    h("h2", {}, "Resultat"),
    outcomes(insats.outcomes, insats.viewerCan.recordOutcome ? (o) => `/insatser/${insats.id}/resultat?till=${o.periodTo}` : null),
    insats.decisions.length
      ? [
          h("h2", {}, "Beslut"),
          h(
            "ul",
            {},
            insats.decisions.map((d) =>
              h("li", {}, d.meeting ? `${d.meeting.heldOn}${d.paragraph ? ` § ${d.paragraph}` : ""}: ` : "", d.text, d.amountSek !== null ? ` (${sek(d.amountSek)})` : ""),
            ),
          ),
        ]
      : null,
    insats.carriedOverFrom || insats.carriedOverTo.length
      ? [
          h("h2", {}, "Överföring"),
          insats.carriedOverFrom
            ? h("p", {}, "Överförd från ", h("a", { href: `/insatser/${insats.carriedOverFrom.id}` }, insats.carriedOverFrom.name), ` (${insats.carriedOverFrom.forbund.name})`)
            : null,
          insats.carriedOverTo.map((t) => h("p", {}, "Överförd till ", h("a", { href: `/insatser/${t.id}` }, t.name), ` (${t.forbund.name})`)),
        ]
      : null,
    changes,
  );
}

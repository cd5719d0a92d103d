// @ts-check
// /dso?on=YYYY-MM-DD: the DSO-ring drawn as a circle for the chosen day —
// every member, an arrow from each provider to the förbund it serves, the
// contact, the period end and the notice deadline; a timeline of the ring's
// periods from 2020 to its last planned change; and, for an admin of a
// member, the leave preview ("if our notice were received on …"), which
// writes nothing; and for an admin, the ring changes that concern its
// förbund, which it accepts or declines (nothing changes another förbund's
// DSO without that förbund's consent).

import { h, replace } from "../dom.js";
import { run } from "../api.js";
import { navigate, failure } from "../nav.js";
import { today, period, label } from "../format.js";
import { figure, ring, timeline, table, shortName, members } from "../charts.js";
import { ACTIONS, may, leaveConsequences } from "./dso-form.js";
import { RECEIPT } from "../forms.js";

export const title = () => "DSO-ringen";

/** A DSO contact: a function's address; a link where it is an e-mail address. */
export function contact(address) {
  return address.includes("@") ? h("a", { href: `mailto:${address}` }, address) : address;
}

const FIRST = "2020-01-01";
const HORIZON = "2035-12-31";

function leavePreview(member, day) {
  const result = h("div", { role: "status", "aria-live": "polite" });
  const noticeOn = h("input", { id: "notice", type: "date", value: day, required: true });
  return h(
    "section",
    { class: "preview" },
    h("h2", {}, `Om ${member.name} säger upp sig`),
    h("p", {}, "Förhandsvisningen ändrar ingenting: den visar vad en uppsägning som tas emot en viss dag skulle innebära."),
    h(
      "form",
      {
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            replace(result, await leaveConsequences({ forbund: member.slug, noticeReceivedOn: noticeOn.value }));
          } catch (err) {
            replace(result, failure(err));
          }
        },
      },
      h("div", { class: "field" }, h("label", { for: "notice" }, "Uppsägningen tas emot"), noticeOn),
      h("button", { type: "submit" }, "Visa följderna"),
    ),
    result,
  );
}

/** The receipt of each answer to a proposal. */
const ANSWERED = {
  AcceptDsoProposal: "Förslaget är godkänt.",
  DeclineDsoProposal: "Förslaget är avslaget.",
  WithdrawDsoProposal: "Förslaget är tillbakadraget.",
};

/** What a proposal asks, in words. */
export function asked(p, names) {
  const who = p.forbund ? p.forbund.name : "Nätverket";
  switch (p.kind) {
    case "JOIN":
      return `${who} vill gå med i ringen från ${p.from}${p.after ? `, efter ${p.afterForbund ? p.afterForbund.name : names.get(p.after) || p.after}` : ""}.`;
    case "LEAVE":
      return `${who} har sagt upp sig (mottagen ${p.noticeReceivedOn}); ringen ändras från ${p.effectiveOn}.`;
    case "SCOPE":
      return `${who} vill ändra omfattningen till ${String(p.scopePercent).replace(".", ",")} % från ${p.from}.`;
    default:
      return `Ny ordning i ringen från ${p.from}.`;
  }
}

/** The proposals that concern the admin's förbund, to accept or decline. */
async function proposals(forbund, members) {
  const names = new Map(members.map((m) => [m.slug, m.name]));
  const found = (await run("DsoProposals", { forbund: forbund.slug })).dsoProposals.edges.map((e) => e.node);
  const answer = async (mutation, p, status, extra = {}) => {
    try {
      await run(mutation, { id: p.id, forbund: forbund.slug, ...extra });
      // The page it leads to says what was done (main.js shows it once).
      sessionStorage.setItem(RECEIPT, ANSWERED[mutation]);
      navigate(location.pathname + location.search, { replace: true });
    } catch (err) {
      replace(status, failure(err));
    }
  };
  // An answer is asked twice: what it means first, then "Ja" to send it.
  const choices = (p, status, withdraw = false) => {
    const actions = h("div", { class: "actions" });
    const ask = (mutation, question, yes, withReason = false) => {
      const id = `reason-${p.id}`;
      const reason = withReason ? h("textarea", { id, rows: 2, maxlength: 1000 }) : null;
      const confirm = h(
        "button",
        { type: "button", onclick: () => answer(mutation, p, status, reason && reason.value.trim() ? { reason: reason.value.trim() } : {}) },
        yes,
      );
      replace(
        actions,
        h("p", { role: "alert" }, question),
        reason
          ? h(
              "div",
              { class: "field wide" },
              h("label", { for: id }, withdraw ? "Skäl (parterna ser det, och det sparas i loggen)" : "Skäl (förslagsställaren ser det, och det sparas i loggen)"),
              reason,
            )
          : null,
        confirm,
        h("button", { type: "button", class: "secondary", onclick: () => { replace(actions, ...first()); } }, "Avbryt"),
      );
      (reason || confirm).focus();
    };
    const first = () =>
      withdraw
        ? [h("button", { type: "button", class: "secondary", onclick: () => ask("WithdrawDsoProposal", `Dra tillbaka förslaget? Inget av det genomförs, och parterna ser att det är tillbakadraget.`, "Ja, dra tillbaka", true) }, "Dra tillbaka")]
        : [
            h("button", { type: "button", onclick: () => ask("AcceptDsoProposal", `Godkänna förslaget för ${forbund.name}? ${asked(p, names)} Det går inte att ångra.`, "Ja, godkänn") }, "Godkänn"),
            h("button", { type: "button", class: "secondary", onclick: () => ask("DeclineDsoProposal", `Avslå förslaget för ${forbund.name}? Inget av det genomförs.`, "Ja, avslå", true) }, "Avslå"),
          ];
    replace(actions, ...first());
    return actions;
  };
  return h(
    "section",
    { class: "proposals", id: "forslag" },
    h("h2", {}, `Förslag som gäller ${forbund.name}`),
    found.length
      ? h(
          "ul",
          {},
          found.map((p) => {
            const status = h("div", { role: "alert" });
            const ours = p.parties.find((party) => party.forbund.slug === forbund.slug);
            const open = p.status === "PENDING" && ours && ours.answer === "PENDING";
            // Its own proposal, still waiting: the förbund may take it back.
            const mine = p.status === "PENDING" && p.proposedBy && p.proposedBy.slug === forbund.slug;
            return h(
              "li",
              { class: "proposal" },
              h("p", {}, h("strong", {}, label("proposalKind", p.kind)), `: ${asked(p, names)}`),
              h("p", {}, standing(p)),
              h(
                "ul",
                { class: "parties" },
                p.parties.map((party) => h("li", {}, partyLine(party))),
              ),
              open ? choices(p, status) : null,
              mine ? choices(p, status, true) : null,
              status,
            );
          }),
        )
      : h("p", {}, "Inga förslag gäller förbundet."),
  );
}

/**
 * A party of a proposal, its answer, and what the proposal does to it: the
 * DSO it gets and whom it will serve. That is what it accepts; the proposal
 * is applied only if it still does exactly that.
 */
export function partyLine(party) {
  const own = party.begins.find((b) => b.recipient.slug === party.forbund.slug);
  const parts = [`${party.forbund.name} ${label("answer", party.answer)}`];
  if (party.newDso) {
    parts.push(`får ${party.newDso.name} som dataskyddsombud${own ? ` från ${own.validFrom}` : ""}`);
  }
  if (party.willServe) parts.push(`blir dataskyddsombud för ${party.willServe.name}`);
  return parts.join(" – ");
}

/**
 * For the network (`me.viewerCan.manageDsoRing`): the proposals still
 * waiting, across the ring's members, to apply now or decline whatever the
 * parties have answered.
 */
async function networkDecisions(members) {
  // Every proposal in one request (the network's view), newest first.
  const all = (await run("DsoProposals", { forbund: null, first: 100 })).dsoProposals.edges.map((e) => e.node);
  const names = new Map(members.map((m) => [m.slug, m.name]));
  const pending = all.filter((p) => p.status === "PENDING");
  const decide = async (p, apply, status) => {
    if (!confirm(apply ? "Genomföra förslaget nu, oavsett parternas svar?" : "Avslå förslaget?")) return;
    try {
      await run("DecideDsoProposal", { id: p.id, apply });
      navigate(location.pathname + location.search, { replace: true, force: true });
    } catch (err) {
      replace(status, failure(err));
    }
  };
  return h(
    "section",
    { class: "proposals" },
    h("h2", {}, "Förslag som väntar på svar"),
    pending.length
      ? h(
          "ul",
          {},
          pending.map((p) => {
            const status = h("div", { role: "alert" });
            return h(
              "li",
              { class: "proposal" },
              h("p", {}, h("strong", {}, label("proposalKind", p.kind)), `: ${asked(p, names)}`),
              h("ul", { class: "parties" }, p.parties.map((party) => h("li", {}, partyLine(party)))),
              h(
                "div",
                { class: "actions" },
                h("button", { type: "button", onclick: () => decide(p, true, status) }, "Genomför nu"),
                h("button", { type: "button", class: "secondary", onclick: () => decide(p, false, status) }, "Avslå"),
              ),
              status,
            );
          }),
        )
      : h("p", {}, "Inga förslag väntar."),
  );
}

/** The ring is drawn again when it changes. */
export const live = () => [["RingChanged", {}]];

/**
 * Where a proposal stands, as its parties need to read it: what is waited
 * for and by when while it is open; when and how it ended once decided.
 */
function standing(p) {
  const decided = p.decidedAt ? ` ${p.decidedAt.slice(0, 10)}` : "";
  switch (p.status) {
    case "PENDING":
      return `Status: ${label("proposalStatus", p.status)}. Måste godkännas av alla senast ${p.effectiveOn}, dagen ändringen gäller från.`;
    case "APPLIED":
      return `Status: ${label("proposalStatus", p.status)}${decided}. Gäller från ${p.effectiveOn}.`;
    case "EXPIRED":
      return `Status: ${label("proposalStatus", p.status)}. Godkändes inte av alla före ${p.effectiveOn}; inget ändrades.`;
    default: {
      // A declining party's or the withdrawing proposer's reason is its own
      // words; the network's and a failure's are the API's, not shown here.
      const own = (p.status === "DECLINED" && p.parties.some((x) => x.answer === "DECLINED")) || p.status === "WITHDRAWN";
      const why = own && p.outcome ? ` Skäl: ${p.outcome}` : "";
      return `Status: ${label("proposalStatus", p.status)}${decided}. Inget ändrades.${why}`;
    }
  }
}

export async function render({ query, principal }) {
  const day = query.get("on") || today();
  const data = await run("DsoRingPage", { on: day, from: FIRST, to: HORIZON });
  const r = data.dsoRing;
  const chosen = h("input", { id: "on", type: "date", value: day, onchange: (e) => e.target.value && navigate(`/dso?on=${e.target.value}`) });
  const picker = h("form", { class: "filters", onsubmit: (e) => e.preventDefault() }, h("div", { class: "field" }, h("label", { for: "on" }, "Dag"), chosen));
  if (!r) {
    return h("section", {}, h("h1", {}, "DSO-ringen"), picker, h("p", {}, "Ingen DSO-ring gäller den dagen."));
  }
  const periods = data.dsoSchedule;
  const lastChange = periods.length ? periods[periods.length - 1].from : day;
  const until = `${Number(lastChange.slice(0, 4)) + 1}-12-31`;
  const shown = periods.filter((p) => p.from <= until);
  // The API says who may change the ring for a förbund (`viewerCan`).
  const admin = Boolean(principal && principal.forbund && principal.forbund.viewerCan.manageDsoMembership);
  const own = admin ? r.members.find((m) => m.slug === principal.forbund.slug) : null;
  const offered = Object.entries(ACTIONS).filter(([path, a]) => may(principal, a) && (path !== "ga-med" || !own) && (!["lamna", "omfattning"].includes(path) || own));
  return h(
    "section",
    {},
    h("h1", {}, "DSO-ringen"),
    offered.length
      ? h("nav", { class: "record-actions", "aria-label": "Ändra i DSO-ringen" }, h("ul", {}, offered.map(([path, a]) => h("li", {}, h("a", { href: `/dso/${path}` }, a.link)))))
      : null,
    h("p", {}, `${r.agreement.name}: varje förbund är dataskyddsombud för nästa förbund i ringen och får sitt eget från det föregående.`),
    picker,
    r.problem ? h("p", { class: "message error", role: "alert" }, r.problem) : null,
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Medlemmar"),
      h("dd", {}, String(r.members.length)),
      h("dt", {}, "Avtalsperioden slutar"),
      h("dd", {}, r.periodEndsOn),
      h("dt", {}, "Sista dag för uppsägning"),
      h("dd", {}, r.noticeDeadline),
    ),
    figure(
      `Ringen den ${r.on}`,
      `${r.members.length} förbund i ringen: ${r.assignments.map((a) => `${shortName(a.provider.name)} är dataskyddsombud för ${shortName(a.recipient.name)}`).join("; ")}.`,
      ring(r.members, r.assignments),
      table(
        ["Dataskyddsombud från", "För", "Kontakt", "Period", "Omfattning"],
        r.assignments.map((a) => [a.provider.name, a.recipient.name, a.contact, period(a.validFrom, a.validTo), `${String(a.scopePercent).replace(".", ",")} %`]),
      ),
    ),
    h("h2", {}, "Uppdrag den dagen"),
    h(
      "ul",
      { class: "assignments" },
      r.assignments.map((a) =>
        h(
          "li",
          {},
          h("a", { href: `/forbund/${a.provider.slug}` }, a.provider.name),
          " → ",
          h("a", { href: `/forbund/${a.recipient.slug}` }, a.recipient.name),
          ": ",
          contact(a.contact),
          a.validTo ? ` (till ${a.validTo})` : "",
        ),
      ),
    ),
    h("h2", {}, "Ringen över tid"),
    figure(
      `Ringens perioder ${FIRST.slice(0, 4)}–${until.slice(0, 4)}`,
      `${shown.length} perioder: ${shown.map((p) => `från ${p.from} ${members(p.members.length).toLowerCase()}`).join("; ")}.`,
      timeline(shown, FIRST, until),
      table(["Från", "Till", "Medlemmar"], shown.map((p) => [p.from, p.to || "tills vidare", p.members.map((m) => m.name).join(", ")])),
    ),
    own ? leavePreview(own, day) : null,
    admin ? await proposals(principal.forbund, r.members) : null,
    principal && principal.viewerCan.manageDsoRing ? await networkDecisions(r.members) : null,
  );
}

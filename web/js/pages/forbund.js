// /forbund/{slug}: a förbund's page — members and funding shares,
// predecessors and successor, its DSO today and whom its DSO serves, its
// insatser, its next board meetings and its key figures.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { label, percent, number, decimal, today, addYears, period, dash } from "../format.js";
import { table } from "../charts.js";
import { contact } from "./dso.js";
import { history } from "../history.js";

let pageTitle = "Förbund";
export const title = () => pageTitle;

/** The changes the API says the caller may make here, as links. */
function actions(f) {
  const links = [
    f.viewerCan.update ? ["redigera", "Ändra förbundet och dess medlemmar"] : null,
    f.viewerCan.writeIndicatorResults ? ["resultat", "Registrera indikatorresultat"] : null,
    f.viewerCan.writeIndicatorResults ? ["nyckeltal", "Registrera nyckeltal"] : null,
  ].filter(Boolean);
  const more = [
    f.viewerCan.createInsats ? h("a", { href: `/insatser/ny?forbund=${f.slug}` }, "Ny insats") : null,
    f.viewerCan.createMeeting ? h("a", { href: `/meetings/ny?forbund=${f.slug}` }, "Nytt sammanträde") : null,
  ].filter(Boolean);
  if (!links.length && !more.length) return null;
  return h(
    "nav",
    { class: "record-actions", "aria-label": "Ändra i förbundet" },
    h("ul", {}, links.map(([path, text]) => h("li", {}, h("a", { href: `/forbund/${f.slug}/${path}` }, text))), more.map((a) => h("li", {}, a))),
  );
}

export async function render({ params }) {
  const day = today();
  const year = Number(day.slice(0, 4));
  const data = await run("ForbundPage", { slug: params[0], today: day, to: addYears(day, 1), fromYear: year - 9, toYear: year });
  const f = data.forbund;
  if (!f) throw new ApiError("Förbundet finns inte.", "NOT_FOUND");
  pageTitle = f.name;
  const changes = f.viewerCan.readHistory ? await history({ entity: "Forbund", id: f.id, forbund: f.slug }) : null;
  return h(
    "article",
    {},
    h("h1", {}, f.name),
    // After its last day a förbund is an archive: said first, with since
    // when and where it went.
    f.dissolvedOn && f.dissolvedOn < day
      ? h(
          "p",
          { class: "message", role: "note" },
          `Förbundet upplöstes ${f.dissolvedOn}`,
          f.successor ? [" och uppgick i ", h("a", { href: `/forbund/${f.successor.slug}` }, f.successor.name)] : null,
          ". Uppgifterna här är ett arkiv och visas som de var; bara det nationella nätverket rättar dem.",
        )
      : null,
    actions(f),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Län"),
      h("dd", {}, f.county),
      h("dt", {}, "Organisationsnummer"),
      h("dd", {}, f.orgNumber || dash),
      h("dt", {}, "Verksamt"),
      h("dd", {}, period(f.foundedOn, f.dissolvedOn)),
      f.successor ? [h("dt", {}, "Uppgick i"), h("dd", {}, h("a", { href: `/forbund/${f.successor.slug}` }, f.successor.name))] : null,
      f.predecessors.length
        ? [h("dt", {}, "Föregångare"), h("dd", {}, f.predecessors.map((p, i) => [i ? ", " : "", h("a", { href: `/forbund/${p.slug}` }, p.name), p.dissolvedOn ? ` (till ${p.dissolvedOn})` : ""]))]
        : null,
    ),
    f.notes ? h("p", {}, f.notes) : null,
    h("h2", {}, "Dataskyddsombud i dag"),
    h(
      "p",
      { class: "dso-today" },
      f.dso
        ? [
            "Förbundets dataskyddsombud kommer från ",
            h("a", { href: `/forbund/${f.dso.provider.slug}` }, f.dso.provider.name),
            ": ",
            contact(f.dso.contact),
            ` (${period(f.dso.validFrom, f.dso.validTo)}).`,
          ]
        : "Förbundet har inget dataskyddsombud genom DSO-ringen i dag.",
    ),
    f.dsoServes
      ? h("p", {}, "Förbundets dataskyddsombud tjänar ", h("a", { href: `/forbund/${f.dsoServes.recipient.slug}` }, f.dsoServes.recipient.name), ` (${period(f.dsoServes.validFrom, f.dsoServes.validTo)}).`)
      : null,
    h("p", {}, h("a", { href: `/dso?on=${day}` }, "Hela DSO-ringen i dag")),
    h("h2", {}, "Medlemmar och finansiering"),
    f.members.length
      ? table(["Medlem", "Typ", "Andel"], f.members.map((m) => [m.name, label("memberKind", m.kind), percent(m.fundingSharePercent)]))
      : h("p", {}, "Inga medlemmar registrerade."),
    f.funding.length
      ? h("p", { class: "note" }, "Enligt lag (2003:1210): ", f.funding.map((g, i) => [i ? ", " : "", `${label("fundingGroup", g.group)} ${percent(g.statutoryPercent)}`]), ".")
      : null,
    h("h2", {}, "Insatser"),
    f.insatser.edges.length
      ? h("ul", { class: "results" }, f.insatser.edges.map((e) => h("li", {}, h("a", { href: `/insatser/${e.node.id}` }, e.node.name), ` · ${label("status", e.node.status)}`, e.node.forbund.slug !== f.slug ? ` · från ${e.node.forbund.name}` : "")))
      : h("p", {}, "Inga insatser du får se."),
    f.insatser.totalCount > f.insatser.edges.length
      ? h("p", {}, h("a", { href: `/insatser?forbund=${f.slug}` }, `Alla ${f.insatser.totalCount} insatser`))
      : null,
    h("h2", {}, "Kommande sammanträden"),
    data.meetings.length
      ? h("ul", {}, data.meetings.map((m) => h("li", {}, `${m.heldOn}${m.startsAt ? ` ${m.startsAt}–${m.endsAt || ""}` : ""}`, m.place ? `, ${m.place}` : "", ` (${label("body", m.body)})`)))
      : h("p", {}, "Inga sammanträden inlagda det närmaste året. ", h("a", { href: `/meetings?forbund=${f.slug}` }, "Alla sammanträden")),
    h("h2", {}, "Ekonomi och rapporter till styrelsen"),
    f.financeReports.length
      ? h(
          "ul",
          {},
          f.financeReports.map((r) =>
            h("li", {}, h("a", { href: r.path }, r.title || `Rapport ${r.year} t.o.m. ${r.through}`), r.published ? ` · publicerad${r.publishedOn ? ` ${r.publishedOn}` : ""}` : " · inte publicerad"),
          ),
        )
      : h("p", {}, "Inga rapporter om ekonomin du får se de senaste tio åren."),
    f.viewerCan.editFinances ? h("p", {}, h("a", { href: `/forbund/${f.slug}/rapport?ar=${year}` }, `Budget och rapport ${year}`)) : null,
    h("h2", {}, "Nyckeltal"),
    f.keyFigures.length
      ? table(
          ["År", "Deltagare", "Avslut", "Till arbete eller studier", "Månader i insats"],
          f.keyFigures.map((k) => [String(k.year), number(k.participants), number(k.closures), percent(k.shareToWorkOrStudiesPercent), decimal(k.meanMonthsInInsats)]),
        )
      : h("p", {}, "Inga nyckeltal registrerade."),
    h("p", {}, h("a", { href: `/comparisons/${f.slug}` }, "Indikatorer och jämförelser")),
    changes,
  );
}

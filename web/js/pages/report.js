// /forbund/{slug}/rapport?ar=2019&tom=2019-08-31: the report a förbund's
// board receives on its finances for a period, drawn section by section as
// the API words it (`financeReport.sections`), in the order of the boards'
// own papers. The same document is offered as a PDF, a spreadsheet and a
// CSV file per table, and the page prints on A4 (print.css). Where the
// paper's own sums disagree with the computed ones, both are shown.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { label } from "../format.js";

let pageTitle = "Rapport";
export const title = () => pageTitle;

/** A table of the report: numbers to the right, each row as its kind. */
function reportTable(t) {
  const numeric = t.columns.map((c) => c.kind !== "TEXT" && c.kind !== "DATE");
  return h(
    "table",
    { class: "report-table", "data-table": t.key },
    h("caption", {}, t.caption),
    h("thead", {}, h("tr", {}, t.columns.map((c, i) => h("th", { scope: "col", class: numeric[i] ? "num" : null }, c.label)))),
    h(
      "tbody",
      {},
      t.rows.map((r) => {
        if (r.kind === "HEADING") {
          return h("tr", { class: "group" }, h("th", { scope: "rowgroup", colspan: String(t.columns.length) }, r.cells[0].text));
        }
        return h(
          "tr",
          { class: r.kind === "LINE" ? null : r.kind.toLowerCase() },
          r.cells.map((c, i) =>
            i === 0
              ? h("th", { scope: "row" }, c.text)
              : h("td", { class: numeric[i] ? "num" : null, title: c.hidden ? "Färre än fem personer, eller ett tal som skulle avslöja det" : null }, c.text),
          ),
        );
      }),
    ),
  );
}

function downloads(r) {
  return h(
    "nav",
    { class: "report-files no-print", "aria-label": "Rapporten som fil" },
    h(
      "ul",
      {},
      h("li", {}, h("a", { href: r.downloads.pdf, download: "" }, "PDF")),
      h("li", {}, h("a", { href: r.downloads.xlsx, download: "" }, "Excel (alla tabeller)")),
      r.downloads.csv.map((c) => h("li", {}, h("a", { href: c.url, download: "" }, `CSV: ${c.table}`))),
      h("li", {}, h("button", { type: "button", class: "secondary", onclick: () => window.print() }, "Skriv ut")),
    ),
  );
}

/** What the förbund's editors may do with the year's budget and the report. */
function editing(r, slug) {
  if (!r.forbund.viewerCan.editFinances) return null;
  const period = `ar=${r.year}&tom=${r.through}`;
  const lines = r.finances.lines;
  return h(
    "section",
    { class: "no-print", "aria-labelledby": "edit-finances" },
    h("h2", { id: "edit-finances" }, "Ändra budget och rapport"),
    h(
      "ul",
      {},
      h("li", {}, h("a", { href: `/forbund/${slug}/budget?ar=${r.year}` }, `Årets budget ${r.year}: medel, eget kapital och plan`)),
      h("li", {}, h("a", { href: `/forbund/${slug}/budgetrad?ar=${r.year}` }, "Ny budgetrad")),
      h("li", {}, h("a", { href: `/forbund/${slug}/publicera?${period}` }, r.id ? "Ändra rapporten: rubrik, publicering, redovisade belopp" : "Spara rapporten: rubrik, publicering, redovisade belopp")),
    ),
    lines.length
      ? h(
          "details",
          {},
          h("summary", {}, `Budgetens ${lines.length} rader`),
          h(
            "ul",
            {},
            lines.map((l) => h("li", {}, `${label("budgetGroup", l.group)}: `, h("a", { href: `/forbund/${slug}/budgetrad?rad=${l.id}&ar=${r.year}` }, `Ändra ${l.name}`))),
          ),
        )
      : null,
  );
}

export async function render({ params, query }) {
  const [slug] = params;
  const year = Number(query.get("ar")) || new Date().getFullYear() - 1;
  const through = query.get("tom") || null;
  const data = await run("FinanceReport", { forbund: slug, year, through });
  const r = data.financeReport;
  if (!r) throw new ApiError("Rapporten finns inte, eller är inte publicerad än.", "NOT_FOUND");
  pageTitle = `${r.title} – ${r.forbund.name}`;
  return h(
    "article",
    { class: "report" },
    h("p", { class: "crumbs" }, h("a", { href: `/forbund/${slug}` }, r.forbund.name)),
    h("h1", {}, r.title),
    h(
      "p",
      { class: "report-status" },
      `${r.forbund.name}, ${r.from} – ${r.through}. `,
      r.published ? `Publicerad${r.publishedOn ? ` ${r.publishedOn}` : ""}: en allmän handling.` : "Inte publicerad: bara förbundets medarbetare och nätverket ser den.",
      r.decision ? ` Styrelsens beslut ${r.decision.meeting ? r.decision.meeting.heldOn : ""}${r.decision.paragraph ? ` § ${r.decision.paragraph}` : ""}.` : "",
    ),
    downloads(r),
    r.disagreements.length
      ? h(
          "p",
          { class: "message", role: "note" },
          `Rapportens egna summor skiljer sig från de beräknade på ${r.disagreements.length} ställen; båda visas under ”Redovisade och beräknade belopp”.`,
        )
      : null,
    r.sections.map((s) =>
      h(
        "section",
        { class: "report-section", "data-section": s.key, "aria-labelledby": `section-${s.key}` },
        h("h2", { id: `section-${s.key}` }, s.heading),
        s.paragraphs.map((p) => h("p", {}, p)),
        s.tables.map(reportTable),
      ),
    ),
    editing(r, slug),
  );
}

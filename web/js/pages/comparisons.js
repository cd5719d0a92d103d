// /comparisons/{slug}?year=YYYY&gender=…&indicator=…&area=…: a förbund's
// indicators against the national average (the previous year beside each,
// women and men), the summary ("at or above the national average on 12 of
// 14"), the network's distribution of one indicator, its trend, the key
// figures across förbund, and population on benefits against county and
// country. Values flagged synthetic carry "exempeldata".

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate, setQuery } from "../nav.js";
import { label, decimal, percent, points, number } from "../format.js";
import { figure, table, indicatorBars, indicatorTable, dotPlot, lineChart, exampleMark } from "../charts.js";

let pageTitle = "Jämförelser";
export const title = () => pageTitle;

const YEARS = [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026];

function select(id, text, options, value, onchange) {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, text),
    h("select", { id, onchange }, options.map(([v, t]) => h("option", { value: v, selected: String(v) === String(value) }, t))),
  );
}

function summary(c) {
  const s = c.summary;
  const lines = [
    h("p", { class: "headline" }, `På eller över riksgenomsnittet på ${s.atOrAboveNational} av ${s.withNationalAverage} indikatorer`),
    h("p", {}, `Lägre än föregående år på ${s.lowerThanPreviousYear} av ${s.withPreviousYear}, högre på ${s.higherThanPreviousYear}.`),
  ];
  if (s.suppressed) lines.push(h("p", { class: "note" }, `${s.suppressed} indikatorer är dolda för dig: för få svar för att visas utanför förbundet.`));
  if (c.reported) {
    const r = c.reported;
    lines.push(
      h(
        "p",
        { class: "reported" },
        `Rapporterat till styrelsen: ${r.atOrAboveNational} av ${r.measured} på eller över riksgenomsnittet, lägre än föregående år på ${r.lowerThanPreviousYear}; `,
        `${number(r.answers)} enkätsvar, bland deltagarna ${number(r.answersWomen)} kvinnor och ${number(r.answersMen)} män. `,
        h("span", { class: "source" }, `Källa: ${r.source}`),
      ),
    );
  }
  return h("div", { class: "summary", role: "status" }, lines);
}

function genderGap(rows) {
  const withGap = rows.filter((r) => r.womenMenGap !== null && r.womenMenGap !== undefined);
  if (!withGap.length) return h("p", {}, "Inga värden för kvinnor och män det året.");
  withGap.sort((a, b) => Math.abs(b.womenMenGap) - Math.abs(a.womenMenGap));
  return table(
    ["Indikator", "Kvinnor", "Män", "Skillnad (kvinnor − män)"],
    withGap.map((r) => [
      `${r.indicator.number ?? r.indicator.code} ${r.indicator.name}`,
      [decimal(r.women.value), r.women.synthetic ? exampleMark() : null],
      [decimal(r.men.value), r.men.synthetic ? exampleMark() : null],
      points(r.womenMenGap),
    ]),
  );
}

/** The network's indicator forms, where the API says the caller may. */
function networkActions(principal) {
  const can = principal ? principal.viewerCan : {};
  const links = [
    can.defineIndicator ? ["/indikatorer/ny", "Ny indikator"] : null,
    can.upsertNationalAverages ? ["/indikatorer/riksgenomsnitt", "Registrera riksgenomsnitt"] : null,
  ].filter(Boolean);
  if (!links.length) return null;
  return h("nav", { class: "record-actions", "aria-label": "Indikatorer för hela nätverket" }, h("ul", {}, links.map(([href, text]) => h("li", {}, h("a", { href }, text)))));
}

export async function render({ params, query, principal }) {
  const slug = params[0];
  const year = Number(query.get("year") || 2020);
  const gender = query.get("gender") || "TOTAL";
  const indicator = query.get("indicator") || "6";
  const area = query.get("area") || "Västerås";
  const areaYear = Number(query.get("areaYear") || 2018);
  const go = (changes) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) next.set(k, v);
    navigate(`/comparisons/${slug}?${next}`);
  };
  setQuery({ year, gender });

  const [comparison, network, trend, figures, population] = await Promise.all([
    run("ComparisonPage", { slug, year, gender }),
    run("NetworkDistribution", { indicator, year, gender }),
    run("IndicatorTrend", { slug, indicator, from: year - 4, to: year, gender }),
    run("KeyFigureAcross", { year, figure: "SHARE_TO_WORK_OR_STUDIES" }),
    run("PopulationOnBenefits", { area, year: areaYear }).catch(() => ({ populationSupport: null })),
  ]);
  const c = comparison.indicatorComparison;
  if (!c) throw new ApiError("Förbundet finns inte.", "NOT_FOUND");
  pageTitle = `${c.forbund.name} ${year}`;
  const rows = c.rows;
  const anyExample = rows.some((r) => r.value.synthetic);
  const net = network.networkComparison;
  const pop = population.populationSupport;

  return h(
    "section",
    { class: "comparisons" },
    h("h1", {}, `Indikatorer: ${c.forbund.name}`),
    networkActions(principal),
    h(
      "form",
      { class: "filters", onsubmit: (e) => e.preventDefault() },
      select("year", "År", YEARS.map((y) => [y, String(y)]), year, (e) => go({ year: e.target.value })),
      select("gender", "Kön", ["TOTAL", "WOMEN", "MEN"].map((g) => [g, label("gender", g)]), gender, (e) => go({ gender: e.target.value })),
    ),
    rows.length ? summary(c) : h("p", {}, `Inga indikatorvärden för ${year}.`),
    anyExample ? h("p", { class: "note" }, exampleMark(), " Värden märkta exempeldata är påhittade exempel som stämmer med vad förbundet rapporterat, inte uppmätta värden.") : null,
    rows.length
      ? figure(
          `Indikatorer ${year} mot riksgenomsnittet`,
          `${rows.length} indikatorer. Staplarna visar förbundets värde (0–100), strecket riksgenomsnittet och den tunna stapeln föregående år. ` +
            rows.map((r) => `Indikator ${r.indicator.number ?? r.indicator.code}: ${r.value.suppressed ? "dold" : decimal(r.value.value)} mot ${decimal(r.nationalAverage)}`).join("; ") + ".",
          indicatorBars(rows),
          indicatorTable(rows),
        )
      : null,
    rows.length
      ? h(
          "ul",
          { class: "indicator-list" },
          rows.map((r) =>
            h(
              "li",
              { "data-indicator": r.indicator.code },
              h("a", { href: `/comparisons/${slug}?year=${year}&gender=${gender}&indicator=${r.indicator.code}` }, `${r.indicator.number ?? r.indicator.code}. ${r.indicator.name}`),
              ": ",
              r.value.suppressed ? "– (dold)" : decimal(r.value.value),
              r.value.synthetic ? [" ", exampleMark()] : null,
              r.difference !== null ? ` (${points(r.difference)} mot riket)` : "",
            ),
          ),
        )
      : null,
    h("h2", {}, "Kvinnor och män"),
    genderGap(rows),
    h("h2", {}, `Nätverket på indikator ${indicator}`),
    net
      ? figure(
          `${net.indicator.name}, ${year}: alla förbund`,
          `${net.forbundCount} förbund. ` +
            (net.distribution ? `Median ${decimal(net.distribution.median)}, kvartiler ${decimal(net.distribution.q1)}–${decimal(net.distribution.q3)}. ` : "") +
            (net.nationalAverage !== null ? `Riksgenomsnitt ${decimal(net.nationalAverage)}.` : ""),
          dotPlot(net.entries, net.distribution, net.nationalAverage),
          table(
            ["Förbund", "Värde", "Rang", "Svar"],
            net.entries.map((e) => [e.forbund ? e.forbund.name : "Förbund (ej namngivet)", e.own ? [decimal(e.value), " (ert)"] : decimal(e.value), String(e.rank), number(e.respondents)]),
          ),
        )
      : h("p", {}, "Indikatorn finns inte."),
    h("h2", {}, `Utveckling ${year - 4}–${year}`),
    figure(
      `Indikator ${indicator} över åren mot riksgenomsnittet`,
      trend.indicatorTrend.map((p) => `${p.year}: ${p.value ? decimal(p.value.value) : "–"} (riket ${decimal(p.nationalAverage)})`).join("; "),
      lineChart(trend.indicatorTrend),
      table(
        ["År", "Förbundet", "Riket"],
        trend.indicatorTrend.map((p) => [String(p.year), p.value ? [p.value.suppressed ? "–" : decimal(p.value.value), p.value.synthetic ? exampleMark() : null] : "–", decimal(p.nationalAverage)]),
      ),
    ),
    h("h2", {}, "Nyckeltal i nätverket"),
    figures.keyFigureComparison.entries.length
      ? table(
          ["Förbund", "Andel till arbete eller studier", "Rang"],
          figures.keyFigureComparison.entries.map((e) => [e.forbund ? e.forbund.name : "Förbund (ej namngivet)", percent(e.value), String(e.rank)]),
        )
      : h("p", {}, `Inga nyckeltal för ${year}.`),
    h("h2", {}, "Befolkning med ersättning"),
    h(
      "form",
      {
        class: "filters",
        onsubmit: (e) => {
          e.preventDefault();
          go({ area: e.target.elements.area.value, areaYear: e.target.elements.areaYear.value });
        },
      },
      h("div", { class: "field" }, h("label", { for: "area" }, "Område (kommun, län eller SCB-kod)"), h("input", { id: "area", name: "area", value: area })),
      h("div", { class: "field" }, h("label", { for: "areaYear" }, "År"), h("input", { id: "areaYear", name: "areaYear", type: "number", value: areaYear, min: 2000, max: 2100 })),
      h("button", { type: "submit" }, "Visa"),
    ),
    pop
      ? table(
          ["Område", "Andel 20–64 år med ersättning", "Helårsekvivalenter"],
          [pop, ...pop.comparison].map((p) => [p.area.name, percent(p.sharePercent), number(p.total.total)]),
        )
      : h("p", {}, "Inga uppgifter för området det året."),
    pop
      ? table(
          ["Ersättning", ...[pop, ...pop.comparison].map((p) => p.area.name)],
          pop.benefits.map((b, i) => [label("benefit", b.benefit), ...[pop, ...pop.comparison].map((p) => number(p.benefits[i] ? p.benefits[i].total : null))]),
        )
      : null,
  );
}

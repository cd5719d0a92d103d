// @ts-check
// /comparisons/{slug}?year=YYYY&gender=…&med=…&ind=…&indicator=…&area=…: a förbund's
// indicators against the national average (the previous year beside each,
// women and men), the summary ("at or above the national average on 12 of
// 14"), the network's distribution of one indicator, its trend, the key
// figures across förbund, and population on benefits against county and
// country. As in Kolada, other förbund (`med`) are set side by side with it
// and the national average, and the indicators shown may be chosen (`ind`).
// Values flagged synthetic carry "exempeldata".

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate, setQuery } from "../nav.js";
import { label, decimal, percent, points, number } from "../format.js";
import { figure, table, indicatorBars, indicatorTable, dotPlot, lineChart, exampleMark, indicatorName } from "../charts.js";

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

/** Whether a value lies below the national average (known on both sides). */
function below(value, average) {
  return value !== null && value !== undefined && average !== null && average !== undefined && value < average;
}

/** Where the caller's own förbund stands in the network, when it is in it. */
function ownRank(net) {
  const mine = net ? net.entries.find((e) => e.own) : undefined;
  return mine ? h("p", { class: "own-rank" }, `Ert förbund: rang ${mine.rank} av ${net.forbundCount}.`) : null;
}

/**
 * A ranking of the whole network: the caller's own row marked, and a long
 * one (the network has some 80 förbund) held in a region of its own height
 * that scrolls, so the page around it stays readable.
 */
function ranking(tableEl, own) {
  const rows = tableEl.tBodies[0] ? [...tableEl.tBodies[0].rows] : [];
  rows.forEach((tr, i) => {
    if (own[i]) tr.classList.add("own");
  });
  if (rows.length > 15) {
    tableEl.classList.add("long-ranking");
    // Opened at the caller's own row, once the page holds the table.
    const mine = rows.find((_, i) => own[i]);
    if (mine) {
      requestAnimationFrame(() => {
        const region = tableEl.closest(".scroll");
        if (region) region.scrollTop = Math.max(0, mine.offsetTop - region.clientHeight / 2);
      });
    }
  }
  return tableEl;
}

/** A value in a ranking or side by side, marked in words when below the national average. */
function againstAverage(value, average) {
  if (value === null || value === undefined) return "–";
  return below(value, average) ? h("span", { class: "below" }, decimal(value), " (under riket)") : decimal(value);
}

function summary(c) {
  const s = c.summary;
  const group = c.gender === "WOMEN" ? "kvinnor" : c.gender === "MEN" ? "män" : null;
  const lines = [
    s.withNationalAverage === 0 && group
      ? h(
          "p",
          { class: "headline" },
          `Underlaget har inget riksgenomsnitt för ${group} ${c.year}, så förbundets värden för ${group} kan inte jämföras med riket. Välj Kön: Alla för jämförelsen med riket.`,
        )
      : h("p", { class: "headline" }, `På eller över riksgenomsnittet på ${s.atOrAboveNational} av ${s.withNationalAverage} indikatorer`),
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

/**
 * Women and men side by side, with the national average for all beside
 * them; the data hold no national average by gender, and the page says so.
 */
function genderGap(rows, byGender) {
  const withGap = rows.filter((r) => r.womenMenGap !== null && r.womenMenGap !== undefined);
  if (!withGap.length) return h("p", {}, "Inga värden för kvinnor och män det året.");
  withGap.sort((a, b) => Math.abs(b.womenMenGap) - Math.abs(a.womenMenGap));
  const averages = (gender) => new Map((byGender[gender] || []).map((r) => [r.indicator.code, r.nationalAverage]));
  const women = averages("WOMEN");
  const men = averages("MEN");
  const anyByGender = [...women.values(), ...men.values()].some((v) => v !== null && v !== undefined);
  return [
    anyByGender
      ? null
      : h("p", { class: "note" }, "Riksgenomsnittet finns bara för alla deltagare, inte för kvinnor och män var för sig: kvinnors och mäns värden jämförs därför med riket för alla."),
    table(
      ["Indikator", "Kvinnor", "Män", "Skillnad (kvinnor − män)", anyByGender ? "Riket kvinnor / män" : "Riket (alla)"],
      withGap.map((r) => {
        const wAvg = women.get(r.indicator.code);
        const mAvg = men.get(r.indicator.code);
        return [
          `${r.indicator.number ?? r.indicator.code} ${r.indicator.name}`,
          [againstAverage(r.women.value, anyByGender ? wAvg : r.nationalAverage), r.women.synthetic ? exampleMark() : null],
          [againstAverage(r.men.value, anyByGender ? mAvg : r.nationalAverage), r.men.synthetic ? exampleMark() : null],
          points(r.womenMenGap),
          anyByGender ? `${decimal(wAvg)} / ${decimal(mAvg)}` : decimal(r.nationalAverage),
        ];
      }),
    ),
  ];
}

/** The chosen förbund's values beside this one's, indicator by indicator, with the national average. */
function sideBySide(comparisons, codes) {
  const [first] = comparisons;
  const rows = first.rows.filter((r) => codes.has(r.indicator.code));
  const valueOf = (c, code) => c.rows.find((r) => r.indicator.code === code);
  return [
    h("h2", {}, `Förbunden sida vid sida, ${first.year}`),
    h("p", {}, "Värden under riksgenomsnittet är märkta \"under riket\"."),
    table(
      ["Indikator", ...comparisons.map((c) => c.forbund.name), "Riksgenomsnitt"],
      rows.map((r) => [
        indicatorName(r.indicator, 80),
        ...comparisons.map((c) => {
          const row = valueOf(c, r.indicator.code);
          if (!row || row.value.suppressed) return "– (dold)";
          return againstAverage(row.value.value, row.nationalAverage);
        }),
        decimal(r.nationalAverage),
      ]),
    ),
  ];
}

/** The chooser: förbund to set beside this one, and the indicators to show. */
function chooser(slug, forbundList, rows, others, codes, go) {
  const box = (name, value, text, checked) => {
    const id = `${name}-${value}`;
    return h("div", { class: "choice" }, h("input", { type: "checkbox", id, name, value, checked }), h("label", { for: id }, text));
  };
  return h(
    "form",
    {
      class: "chooser",
      onsubmit: (e) => {
        e.preventDefault();
        const picked = (name) => [...e.target.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value).join(",");
        go({ med: picked("med"), ind: picked("ind") });
      },
    },
    h("fieldset", { class: "choices" }, h("legend", {}, "Jämför med förbund"), forbundList.filter((f) => f.slug !== slug).map((f) => box("med", f.slug, f.name, others.includes(f.slug)))),
    h("fieldset", { class: "choices" }, h("legend", {}, "Indikatorer"), rows.map((r) => box("ind", r.indicator.code, indicatorName(r.indicator, 80), codes.has(r.indicator.code)))),
    h("button", { type: "submit" }, "Visa jämförelsen"),
  );
}

/** The network's indicator forms, where the API says the caller may. */
function networkActions(principal) {
  const can = principal ? principal.viewerCan : {};
  const links = [
    can.defineIndicator ? ["/indikatorer/ny", "Ny indikator"] : null,
    can.upsertNationalAverages ? ["/indikatorer/riksgenomsnitt", "Registrera riksgenomsnitt"] : null,
  ].filter((link) => link !== null);
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
  const others = (query.get("med") || "").split(",").filter((x) => x && x !== slug).slice(0, 8);
  const go = (changes) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === "") next.delete(k);
      else next.set(k, v);
    }
    navigate(`/comparisons/${slug}?${next}`);
  };
  setQuery({ year, gender });

  const [comparison, network, trend, figures, population, directory, women, men, ...besides] = await Promise.all([
    run("ComparisonPage", { slug, year, gender }),
    run("NetworkDistribution", { indicator, year, gender }),
    run("IndicatorTrend", { slug, indicator, from: year - 4, to: year, gender }),
    run("KeyFigureAcross", { year, figure: "SHARE_TO_WORK_OR_STUDIES" }),
    run("PopulationOnBenefits", { area, year: areaYear }).catch(() => ({ populationSupport: null })),
    run("ForbundDirectory", { first: 100 }),
    // The national averages by gender, where the data hold them.
    gender === "WOMEN" ? null : run("ComparisonPage", { slug, year, gender: "WOMEN" }),
    gender === "MEN" ? null : run("ComparisonPage", { slug, year, gender: "MEN" }),
    ...others.map((other) => run("ComparisonPage", { slug: other, year, gender }).catch(() => null)),
  ]);
  const c = comparison.indicatorComparison;
  if (!c) throw new ApiError("Förbundet finns inte.", "NOT_FOUND");
  pageTitle = `${c.forbund.name} ${year}`;
  const chosen = (query.get("ind") || "").split(",").filter(Boolean);
  const codes = new Set(chosen.length ? chosen : c.rows.map((r) => r.indicator.code));
  const rows = c.rows.filter((r) => codes.has(r.indicator.code));
  const byGender = {
    WOMEN: ((gender === "WOMEN" ? comparison : women)?.indicatorComparison || {}).rows || [],
    MEN: ((gender === "MEN" ? comparison : men)?.indicatorComparison || {}).rows || [],
  };
  const compared = [c, ...besides.map((b) => b && b.indicatorComparison).filter(Boolean)];
  const day = new Date().toISOString().slice(0, 10);
  const active = directory.forbundList.edges.map((e) => e.node).filter((f) => !f.dissolvedOn || f.dissolvedOn >= day);
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
    c.rows.length ? chooser(slug, active, c.rows, others, codes, go) : null,
    rows.length ? summary(c) : h("p", {}, `Inga indikatorvärden för ${year}.`),
    compared.length > 1 ? sideBySide(compared, codes) : null,
    anyExample ? h("p", { class: "note" }, exampleMark(), " Värden märkta exempeldata är påhittade exempel som stämmer med vad förbundet rapporterat, inte uppmätta värden.") : null,
    rows.length
      ? figure(
          `Indikatorer ${year} mot riksgenomsnittet`,
          `${rows.length} indikatorer. Staplarna visar förbundets värde (0–100), strecket riksgenomsnittet och den tunna stapeln föregående år. ` +
            rows.map((r) => `${r.indicator.number ?? r.indicator.code}. ${r.indicator.name}: ${r.value.suppressed ? "dold" : decimal(r.value.value)} mot ${decimal(r.nationalAverage)}`).join("; ") + ".",
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
    genderGap(rows, byGender),
    h("h2", {}, `Nätverket: ${net ? net.indicator.name : `indikator ${indicator}`}`),
    net
      ? figure(
          `${net.indicator.name}, ${year}: alla förbund`,
          `${net.forbundCount} förbund. ` +
            (net.distribution ? `Median ${decimal(net.distribution.median)}, kvartiler ${decimal(net.distribution.q1)}–${decimal(net.distribution.q3)}. ` : "") +
            (net.nationalAverage !== null ? `Riksgenomsnitt ${decimal(net.nationalAverage)}.` : ""),
          dotPlot(net.entries, net.distribution, net.nationalAverage),
          ranking(
            table(
              ["Förbund", "Värde", "Rang", "Svar", "Riksgenomsnitt"],
              net.entries.map((e) => [
                e.forbund ? e.forbund.name : "Förbund (ej namngivet)",
                [againstAverage(e.value, net.nationalAverage), e.own ? " (ert)" : null],
                String(e.rank),
                number(e.respondents),
                decimal(net.nationalAverage),
              ]),
            ),
            net.entries.map((e) => Boolean(e.own)),
          ),
        )
      : h("p", {}, "Indikatorn finns inte."),
    ownRank(net),
    h("h2", {}, `Utveckling ${year - 4}–${year}`),
    figure(
      `${(c.rows.find((r) => r.indicator.code === indicator) || { indicator: { name: `Indikator ${indicator}` } }).indicator.name} över åren mot riksgenomsnittet`,
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

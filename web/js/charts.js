// Charts drawn as SVG by the app. Every chart is a <figure> with a caption,
// an image with a text alternative, and the same numbers as a table behind
// "Visa som tabell", so nothing is only a picture.

import { h, s } from "./dom.js";
import { decimal, percent, label } from "./format.js";

let serial = 0;
const nextId = (prefix) => `${prefix}-${++serial}`;

/** The marker every example value carries. */
export function exampleMark() {
  return h("span", { class: "example", title: "Exempeldata: inte ett uppmätt värde" }, "exempeldata");
}

/** A figure: caption, chart (role img with a summary), table alternative. */
export function figure(caption, summary, chart, table) {
  const id = nextId("fig");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-labelledby", `${id}-summary`);
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", {}, caption),
    // On a narrow screen the chart keeps a readable size and scrolls
    // sideways in its own frame (by keyboard too: WCAG 1.4.10, 2.1.1).
    h("div", { class: "chart-frame", tabindex: "0", role: "region", "aria-label": caption }, chart),
    h("p", { id: `${id}-summary`, class: "chart-summary" }, summary),
    h("details", {}, h("summary", {}, "Visa som tabell"), table),
  );
}

export function table(headers, rows) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
    h(
      "tbody",
      {},
      rows.map((cells) =>
        h("tr", {}, cells.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c)))),
      ),
    ),
  );
}

const scale = (value, width) => (Math.max(0, Math.min(100, value)) / 100) * width;

/**
 * Indicator values as horizontal bars (0–100), the national average marked
 * on each, the previous year as a thin bar beside it.
 */
/** An indicator as a chart names it: its number and name, cut to fit. */
export function indicatorName(indicator, max = 30) {
  const full = `${indicator.number ?? indicator.code}. ${indicator.name}`;
  return full.length > max ? `${full.slice(0, max - 1).trimEnd()}…` : full;
}

export function indicatorBars(rows) {
  const left = 230;
  const width = 420;
  const rowHeight = 34;
  const height = rows.length * rowHeight + 30;
  const svg = s("svg", { viewBox: `0 0 ${left + width + 60} ${height}`, class: "bars" });
  for (let tick = 0; tick <= 100; tick += 25) {
    const x = left + scale(tick, width);
    svg.append(
      s("line", { x1: x, x2: x, y1: 0, y2: height - 20, class: "grid" }),
      s("text", { x, y: height - 5, class: "tick", "text-anchor": "middle" }, String(tick)),
    );
  }
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    svg.append(
      s(
        "text",
        { x: left - 8, y: y + 15, class: "label", "text-anchor": "end" },
        s("title", {}, `${row.indicator.number ?? row.indicator.code}. ${row.indicator.name}`),
        indicatorName(row.indicator),
      ),
    );
    const value = row.value.value;
    if (value !== null && value !== undefined) {
      const above = row.atOrAboveNational !== false;
      svg.append(
        s("rect", {
          x: left,
          y,
          width: scale(value, width),
          height: 16,
          class: above ? "bar above" : "bar below",
          "data-indicator": row.indicator.code,
        }),
        s("text", { x: left + scale(value, width) + 4, y: y + 13, class: "value" }, decimal(value)),
      );
    } else {
      svg.append(s("text", { x: left + 4, y: y + 13, class: "value" }, "– (dold, litet underlag)"));
    }
    const previous = row.previousYear && row.previousYear.value;
    if (previous !== null && previous !== undefined) {
      svg.append(s("rect", { x: left, y: y + 19, width: scale(previous, width), height: 5, class: "bar previous" }));
    }
    if (row.nationalAverage !== null && row.nationalAverage !== undefined) {
      const x = left + scale(row.nationalAverage, width);
      svg.append(s("line", { x1: x, x2: x, y1: y - 3, y2: y + 27, class: "average" }));
    }
  });
  return svg;
}

/**
 * Every förbund as a dot on one indicator, with the quartiles as a box and
 * the caller's own förbund marked; förbund the caller may not see by name
 * stay unnamed.
 */
export function dotPlot(entries, distribution, nationalAverage) {
  const left = 20;
  const width = 540;
  const svg = s("svg", { viewBox: `0 0 ${left * 2 + width} 120`, class: "dots" });
  svg.append(s("line", { x1: left, x2: left + width, y1: 70, y2: 70, class: "axis" }));
  for (let tick = 0; tick <= 100; tick += 25) {
    const x = left + scale(tick, width);
    svg.append(s("text", { x, y: 112, class: "tick", "text-anchor": "middle" }, String(tick)));
  }
  if (distribution) {
    const q1 = left + scale(distribution.q1, width);
    const q3 = left + scale(distribution.q3, width);
    const median = left + scale(distribution.median, width);
    svg.append(
      s("rect", { x: q1, y: 55, width: Math.max(1, q3 - q1), height: 30, class: "quartiles" }),
      s("line", { x1: median, x2: median, y1: 50, y2: 90, class: "median" }),
    );
  }
  if (nationalAverage !== null && nationalAverage !== undefined) {
    const x = left + scale(nationalAverage, width);
    svg.append(
      s("line", { x1: x, x2: x, y1: 30, y2: 95, class: "average" }),
      s("text", { x, y: 24, class: "tick", "text-anchor": "middle" }, "riket"),
    );
  }
  // The whole network (some 80 förbund) spreads over more rows, in
  // smaller dots, so that each stays apart from its neighbours.
  const shown = entries.filter((e) => e.value !== null && e.value !== undefined);
  const lanes = shown.length > 30 ? 5 : 3;
  const radius = shown.length > 30 ? 3.5 : 5;
  shown.forEach((e, i) => {
      const x = left + scale(e.value, width);
      const dot = s("circle", {
        cx: x,
        cy: 70 + ((i % lanes) - (lanes - 1) / 2) * 6,
        r: e.own ? 8 : radius,
        class: e.own ? "dot own" : "dot",
      });
      dot.append(s("title", {}, `${e.forbund ? e.forbund.name : "Förbund (ej namngivet)"}: ${decimal(e.value)}`));
      svg.append(dot);
      if (e.own) svg.append(s("text", { x, y: 48, class: "own-label", "text-anchor": "middle" }, "ert förbund"));
    });
  return svg;
}

/** A series over the years beside the national average. */
export function lineChart(points) {
  const left = 40;
  const width = 500;
  const top = 10;
  const height = 160;
  const svg = s("svg", { viewBox: `0 0 ${left + width + 20} ${height + 40}`, class: "line" });
  const years = points.map((p) => p.year);
  const x = (year) =>
    left + (years.length > 1 ? ((year - years[0]) / (years[years.length - 1] - years[0])) * width : width / 2);
  const y = (v) => top + height - (Math.max(0, Math.min(100, v)) / 100) * height;
  for (let tick = 0; tick <= 100; tick += 25) {
    svg.append(
      s("line", { x1: left, x2: left + width, y1: y(tick), y2: y(tick), class: "grid" }),
      s("text", { x: left - 6, y: y(tick) + 4, class: "tick", "text-anchor": "end" }, String(tick)),
    );
  }
  points.forEach((p) => svg.append(s("text", { x: x(p.year), y: height + 30, class: "tick", "text-anchor": "middle" }, String(p.year))));
  const series = (get, cls) => {
    const known = points.filter((p) => get(p) !== null && get(p) !== undefined);
    if (known.length > 1) {
      svg.append(s("polyline", { points: known.map((p) => `${x(p.year)},${y(get(p))}`).join(" "), class: cls }));
    }
    known.forEach((p) => svg.append(s("circle", { cx: x(p.year), cy: y(get(p)), r: 4, class: cls })));
  };
  series((p) => p.nationalAverage, "series average");
  series((p) => p.value && p.value.value, "series own");
  return svg;
}

/**
 * The DSO-ring for one day: each member on a circle, an arrow from each
 * provider to the förbund it serves.
 */
export function ring(members, assignments) {
  const size = 460;
  const margin = 110;
  const centre = size / 2;
  const radius = 150;
  const svg = s("svg", { viewBox: `${-margin} 0 ${size + 2 * margin} ${size}`, class: "ring" });
  const markerId = nextId("arrow");
  svg.append(
    s(
      "defs",
      {},
      s(
        "marker",
        { id: markerId, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" },
        s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }),
      ),
    ),
    s("circle", { cx: centre, cy: centre, r: radius, class: "ring-line" }),
  );
  const at = new Map();
  members.forEach((m, i) => {
    const angle = (2 * Math.PI * i) / members.length - Math.PI / 2;
    at.set(m.slug, { x: centre + radius * Math.cos(angle), y: centre + radius * Math.sin(angle), angle });
  });
  for (const a of assignments) {
    const from = at.get(a.provider.slug);
    const to = at.get(a.recipient.slug);
    if (!from || !to) continue;
    // Stop short of the nodes so the arrowhead shows.
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy) || 1;
    const pad = 22;
    svg.append(
      s("line", {
        x1: from.x + (dx / length) * pad,
        y1: from.y + (dy / length) * pad,
        x2: to.x - (dx / length) * pad,
        y2: to.y - (dy / length) * pad,
        class: "assignment",
        "marker-end": `url(#${markerId})`,
        "data-provider": a.provider.slug,
        "data-recipient": a.recipient.slug,
      }),
    );
  }
  members.forEach((m) => {
    const p = at.get(m.slug);
    const labelRadius = radius + 48;
    const lx = centre + labelRadius * Math.cos(p.angle);
    const ly = centre + labelRadius * Math.sin(p.angle);
    const anchor = Math.abs(Math.cos(p.angle)) < 0.3 ? "middle" : Math.cos(p.angle) > 0 ? "start" : "end";
    svg.append(
      s("circle", { cx: p.x, cy: p.y, r: 18, class: "member", "data-slug": m.slug }),
      s("text", { x: lx, y: ly + 4, class: "member-label", "text-anchor": anchor }, shortName(m.name)),
    );
  });
  return svg;
}

/** "Samordningsförbundet Västerås" → "Västerås", for labels on a chart. */
export function shortName(name) {
  return name
    .replace(/^Samordningsförbundet\s+/, "")
    .replace(/s Samordningsförbund$/, "")
    .replace(/\s+Samordningsförbund$/, "")
    .replace(/s stad$/, "")
    .replace(/ Upplands Väsby och Sigtuna$/, " m.fl.");
}

/** The ring's periods from the first to the last planned change. */
export function timeline(periods, from, to) {
  // Room for the first year's label, centred on the left edge.
  const left = 24;
  const width = 560;
  const rowHeight = 26;
  const start = Date.parse(from);
  const end = Date.parse(to);
  const x = (day) => left + ((Date.parse(day) - start) / (end - start)) * width;
  const svg = s("svg", { viewBox: `0 0 ${left * 2 + width} ${periods.length * rowHeight + 30}`, class: "timeline" });
  periods.forEach((p, i) => {
    const x1 = x(p.from < from ? from : p.from);
    const x2 = x(p.to && p.to < to ? p.to : to);
    const text = `${members(p.members.length)} från ${p.from}`;
    svg.append(
      s("rect", { x: x1, y: i * rowHeight + 4, width: Math.max(2, x2 - x1), height: 18, class: "period" }),
      s("text", { y: i * rowHeight + 17, class: "period-label", ...labelPlace(text, x1, x2, left, left + width) }, text),
    );
  });
  const firstYear = Number(from.slice(0, 4));
  const lastYear = Number(to.slice(0, 4));
  for (let year = firstYear; year <= lastYear; year += Math.max(1, Math.ceil((lastYear - firstYear) / 6))) {
    const xx = x(`${year}-01-01`);
    svg.append(s("text", { x: xx, y: periods.length * rowHeight + 24, class: "tick", "text-anchor": "middle" }, String(year)));
  }
  return svg;
}

/**
 * Where a period's label goes: inside its bar when it fits, else beside the
 * bar on the side with room, so no label runs out of its bar halfway.
 * The width is estimated (11 px text, app.css): the chart is drawn before it
 * is on the page, where nothing can be measured.
 */
function labelPlace(text, x1, x2, min, max) {
  const needed = text.length * 6.3 + 8;
  if (x2 - x1 >= needed) return { x: x1 + 4, "text-anchor": "start" };
  if (max - x2 >= needed || max - x2 >= x1 - min) return { x: x2 + 4, "text-anchor": "start" };
  return { x: x1 - 4, "text-anchor": "end" };
}

/** "6 medlemmar", "1 medlem", or none yet (an agreement before its first member joins). */
export function members(n) {
  if (n === 0) return "Inga medlemmar";
  return n === 1 ? "1 medlem" : `${n} medlemmar`;
}

/** Numbers of the indicator bars for the table alternative. */
export function indicatorTable(rows) {
  return table(
    ["Indikator", "Värde", "Riket", "Skillnad", "Föregående år", "Kvinnor", "Män"],
    rows.map((r) => [
      `${r.indicator.number ?? r.indicator.code} ${r.indicator.name}`,
      r.value.suppressed ? "–" : decimal(r.value.value),
      decimal(r.nationalAverage),
      r.difference === null ? "–" : decimal(r.difference),
      r.previousYear ? (r.previousYear.suppressed ? "–" : decimal(r.previousYear.value)) : "–",
      r.women ? (r.women.suppressed ? "–" : decimal(r.women.value)) : "–",
      r.men ? (r.men.suppressed ? "–" : decimal(r.men.value)) : "–",
    ]),
  );
}

export { percent, label };

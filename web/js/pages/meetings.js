// @ts-check
// /meetings?from=…&to=…&forbund=…: the board meetings across förbund in one
// calendar, each with its decisions and the insatser they fund.

import { h } from "../dom.js";
import { run } from "../api.js";
import { navigate } from "../nav.js";
import { label, sek, today, addYears } from "../format.js";
import { ACTIONS } from "./meeting-form.js";
import { downloads } from "../export.js";

export const title = () => "Sammanträden";

/** Links to the changes the API says the caller may make to `m`. */
function changes(m) {
  const links = Object.entries(ACTIONS).filter(([, a]) => a.link && m.viewerCan[a.can]);
  if (!links.length) return null;
  return h(
    "nav",
    { class: "record-actions", "aria-label": `Ändra sammanträdet ${m.heldOn}` },
    h("ul", {}, links.map(([path, a]) => h("li", {}, h("a", { href: `/meetings/${m.id}/${path}` }, a.link)))),
  );
}

/**
 * The meetings shown and their decisions as a spreadsheet's rows: a row per
 * decision (a meeting without one, a row of its own), as the page says it.
 * @param {any[]} meetings
 */
function rows(meetings) {
  /** @type {string[][]} */
  const out = [["Datum", "Förbund", "Organ", "Plats", "§", "Beslut", "Belopp", "Insats"]];
  for (const m of meetings) {
    const common = [m.heldOn, m.forbund ? m.forbund.name : "", label("body", m.body), m.place || ""];
    if (!m.decisions.length) out.push([...common, "", "", "", ""]);
    for (const d of m.decisions) {
      out.push([
        ...common,
        d.paragraph ? String(d.paragraph) : "",
        d.withheld ? "Beslut om en insats som inte är offentlig" : d.text || "",
        d.amountSek !== null ? sek(d.amountSek) : "",
        d.insats ? d.insats.name : "",
      ]);
    }
  }
  return out;
}

/** New meetings and decisions appear as they are recorded. */
export const live = ({ query }) => [["MeetingsChanged", { forbund: query.get("forbund") ? [query.get("forbund")] : null }]];

export async function render({ query }) {
  const day = today();
  const from = query.get("from") || addYears(day, -6);
  const to = query.get("to") || addYears(day, 1);
  const forbund = query.get("forbund") || "";
  const [data, choices] = await Promise.all([
    run("Meetings", { from, to, forbund: forbund ? [forbund] : null }),
    run("ForbundChoices"),
  ]);
  const form = h(
    "form",
    {
      class: "filters",
      onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        const params = new URLSearchParams({ from: f.from.value, to: f.to.value });
        if (f.forbund.value) params.set("forbund", f.forbund.value);
        navigate(`/meetings?${params}`);
      },
    },
    h("div", { class: "field" }, h("label", { for: "from" }, "Från"), h("input", { id: "from", name: "from", type: "date", value: from })),
    h("div", { class: "field" }, h("label", { for: "to" }, "Till"), h("input", { id: "to", name: "to", type: "date", value: to })),
    h(
      "div",
      { class: "field" },
      h("label", { for: "forbund" }, "Förbund"),
      h(
        "select",
        { id: "forbund", name: "forbund" },
        h("option", { value: "" }, "Alla förbund"),
        choices.forbundList.edges.map((e) => h("option", { value: e.node.slug, selected: e.node.slug === forbund }, e.node.name)),
      ),
    ),
    h("button", { type: "submit" }, "Visa"),
  );
  const meetings = [...data.meetings].sort((a, b) => (a.heldOn < b.heldOn ? 1 : -1));
  return h(
    "section",
    {},
    h("h1", {}, "Sammanträden"),
    // Offered where the API says the caller may add a meeting.
    choices.forbundList.edges.some((e) => e.node.viewerCan.createMeeting)
      ? h("p", {}, h("a", { href: `/meetings/ny${forbund ? `?forbund=${forbund}` : ""}`, class: "button primary" }, "Nytt sammanträde"))
      : null,
    form,
    h("p", { role: "status" }, `${meetings.length} sammanträden ${from} – ${to}`),
    h(
      "ol",
      { class: "meetings" },
      meetings.map((m) =>
        h(
          "li",
          {},
          h("h2", {}, h("time", { datetime: m.heldOn }, m.heldOn), " ", m.forbund ? h("a", { href: `/forbund/${m.forbund.slug}` }, m.forbund.name) : ""),
          h(
            "p",
            { class: "meta" },
            label("body", m.body),
            m.startsAt ? ` · ${m.startsAt}${m.endsAt ? `–${m.endsAt}` : ""}` : "",
            m.place ? ` · ${m.place}` : "",
            m.paragraphFrom ? ` · §§ ${m.paragraphFrom}–${m.paragraphTo ?? ""}` : "",
          ),
          m.note ? h("p", {}, m.note) : null,
          changes(m),
          m.decisions.length
            ? h(
                "ul",
                { class: "decisions" },
                m.decisions.map((d) =>
                  h(
                    "li",
                    {},
                    d.paragraph ? `§ ${d.paragraph}: ` : "",
                    // Text and amount follow the insats the decision funds.
                    d.withheld ? h("em", {}, "Beslut om en insats som inte är offentlig") : d.text,
                    d.amountSek !== null ? ` (${sek(d.amountSek)})` : "",
                    d.insats ? [" – ", h("a", { href: `/insatser/${d.insats.id}` }, d.insats.name)] : null,
                    m.viewerCan.recordDecision && !d.withheld
                      ? [" ", h("a", { href: `/meetings/${m.id}/andra-beslut?beslut=${d.id}` }, "Ändra", h("span", { class: "visually-hidden" }, ` beslutet${d.paragraph ? ` § ${d.paragraph}` : ""}`))]
                      : null,
                  ),
                ),
              )
            : null,
        ),
      ),
    ),
    meetings.length ? downloads(() => rows(meetings), "Sammanträden och beslut") : null,
  );
}

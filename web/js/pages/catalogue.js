// @ts-check
// /insatser?search=…&forbund=…&activeOn=…&age=…&status=…: the catalogue
// across förbund. The search runs as you type (the API folds case and
// diacritics: "vasteras" finds Västerås), the filters and the total follow
// the URL, and "Visa fler" loads the next page by its cursor. An insats
// carried over to a successor is one story: listed once, under its current
// owner, linking back to the earlier record, which the status filter
// "Överförd" shows (linking forward).

import { h, replace } from "../dom.js";
import { run } from "../api.js";
import { follow, debounce } from "../live.js";
import { setQuery, failure } from "../nav.js";
import { label, labels, period, number } from "../format.js";
import { downloads } from "../export.js";

export const title = () => "Insatser";

const PAGE = 20;

function filterOf(values) {
  const filter = {};
  if (values.search) filter.search = values.search;
  if (values.forbund) filter.forbund = [values.forbund];
  if (values.activeOn) filter.activeOn = values.activeOn;
  if (values.age !== "" && values.age !== null && !Number.isNaN(Number(values.age))) filter.age = Number(values.age);
  // Without a status chosen: every status but the records carried over,
  // which their successor's record stands for.
  filter.status = values.status ? [values.status] : Object.keys(labels.status).filter((s) => s !== "CARRIED_OVER");
  return filter;
}

/** The earlier record a carried-over insats came from, and the later one an
 * earlier record went to: one story, linked both ways. */
function carried(node) {
  const from = node.carriedOverFrom;
  const to = node.carriedOverTo || [];
  return [
    from ? [" · överförd från ", h("a", { href: `/insatser/${from.id}` }, from.forbund.name)] : null,
    to.map((t) => [" · överförd till ", h("a", { href: `/insatser/${t.id}` }, t.forbund.name)]),
  ];
}

/** The results shown, as a spreadsheet's rows: what the list says of each. */
let shown = [];

export function shownRows() {
  return [
    ["Insats", "Förbund", "Status", "Kategori", "Period", "Målgrupp", "Ålder"],
    ...shown.map((n) => [
      n.name,
      n.forbund.name,
      label("status", n.status),
      n.category ? label("category", n.category) : "",
      period(n.startsOn, n.endsOn),
      n.targetGroup || "",
      n.ageMin !== null || n.ageMax !== null ? `${n.ageMin ?? "…"}–${n.ageMax ?? "…"} år` : "",
    ]),
  ];
}

function item(node) {
  const ages = node.ageMin !== null || node.ageMax !== null ? `${node.ageMin ?? "…"}–${node.ageMax ?? "…"} år` : null;
  return h(
    "li",
    { class: "insats" },
    h("a", { href: `/insatser/${node.id}` }, node.name),
    h(
      "p",
      { class: "meta" },
      h("a", { href: `/forbund/${node.forbund.slug}` }, node.forbund.name),
      " · ",
      label("status", node.status),
      node.category ? ` · ${label("category", node.category)}` : "",
      ` · ${period(node.startsOn, node.endsOn)}`,
      carried(node),
    ),
    node.targetGroup || ages ? h("p", { class: "target" }, [node.targetGroup, ages].filter(Boolean).join(" · ")) : null,
  );
}

export async function render({ query }) {
  const values = {
    search: query.get("search") || "",
    forbund: query.get("forbund") || "",
    activeOn: query.get("activeOn") || "",
    age: query.get("age") || "",
    status: query.get("status") || "",
  };
  const choices = (await run("ForbundChoices")).forbundList.edges.map((e) => e.node);

  const total = h("p", { class: "total", role: "status", "aria-live": "polite" });
  const list = h("ul", { class: "results" });
  const more = h("button", { type: "button", class: "more", hidden: true }, "Visa fler");
  const problem = h("div");
  let after = null;
  let ticket = 0;

  async function load(append) {
    const mine = ++ticket;
    try {
      const data = await run("Catalogue", { filter: filterOf(values), first: PAGE, after: append ? after : null });
      if (mine !== ticket) return;
      const page = data.insatser;
      replace(problem);
      total.textContent = `${number(page.totalCount)} insatser`;
      const items = page.edges.map((e) => item(e.node));
      shown = append ? [...shown, ...page.edges.map((e) => e.node)] : page.edges.map((e) => e.node);
      if (append) list.append(...items);
      else replace(list, items);
      after = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
    } catch (err) {
      if (mine === ticket) replace(problem, failure(err));
    }
  }

  let typing;
  function changed(key, value) {
    values[key] = value;
    setQuery(values);
    clearTimeout(typing);
    typing = setTimeout(() => load(false), key === "search" ? 200 : 0);
  }

  const search = h("input", {
    id: "search",
    type: "search",
    name: "search",
    value: values.search,
    autocomplete: "off",
    oninput: (e) => changed("search", e.target.value),
  });
  const forbund = h(
    "select",
    { id: "forbund", name: "forbund", onchange: (e) => changed("forbund", e.target.value) },
    h("option", { value: "" }, "Alla förbund"),
    choices.map((f) => h("option", { value: f.slug, selected: f.slug === values.forbund }, f.name)),
  );
  const activeOn = h("input", {
    id: "activeOn",
    type: "date",
    name: "activeOn",
    value: values.activeOn,
    onchange: (e) => changed("activeOn", e.target.value),
  });
  const age = h("input", {
    id: "age",
    type: "number",
    name: "age",
    min: 0,
    max: 120,
    inputmode: "numeric",
    value: values.age,
    oninput: (e) => changed("age", e.target.value),
  });
  const status = h(
    "select",
    { id: "status", name: "status", onchange: (e) => changed("status", e.target.value) },
    h("option", { value: "" }, "Alla utom överförda"),
    Object.entries(labels.status).map(([value, text]) => h("option", { value, selected: value === values.status }, text)),
  );
  more.addEventListener("click", () => load(true));

  await load(false);
  // The list follows changes as they land: read again under the same
  // filter (what a change shows is the API's to say, by the reader's role).
  follow("CatalogueChanged", {}, debounce(() => load(false), 300));
  return h(
    "section",
    {},
    h("h1", {}, "Insatser"),
    // Offered where the API says the caller may create an insats.
    choices.some((f) => f.viewerCan.createInsats)
      ? h("p", {}, h("a", { href: "/insatser/ny", class: "button primary" }, "Ny insats"))
      : null,
    h(
      "form",
      { class: "filters", role: "search", onsubmit: (e) => e.preventDefault() },
      h("div", { class: "field wide" }, h("label", { for: "search" }, "Sök"), search),
      h("div", { class: "field" }, h("label", { for: "forbund" }, "Förbund"), forbund),
      h("div", { class: "field" }, h("label", { for: "activeOn" }, "Pågår dag"), activeOn),
      h("div", { class: "field" }, h("label", { for: "age" }, "Ålder"), age),
      h("div", { class: "field" }, h("label", { for: "status" }, "Status"), status),
    ),
    problem,
    total,
    list,
    more,
    downloads(shownRows, "Insatser"),
  );
}

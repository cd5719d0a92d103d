// @ts-check
// /forbund: every förbund of the network — active, merged into another and
// dissolved — each with a link to its page, a page of the directory at a
// time as the API gives it.

import { h } from "../dom.js";
import { run } from "../api.js";
import { date, today } from "../format.js";
import { table } from "../charts.js";

export const title = () => "Förbund";

/** Where a förbund stands today: active, or ended (and into which). */
function standing(f, day) {
  if (!f.dissolvedOn || f.dissolvedOn >= day) return "Verksamt";
  const ended = `Upplöst ${date(f.dissolvedOn)}`;
  if (!f.successor) return ended;
  return [`${ended}, uppgick i `, h("a", { href: `/forbund/${f.successor.slug}` }, f.successor.name)];
}

function rows(edges, day) {
  return edges.map(({ node: f }) => [
    h("a", { href: `/forbund/${f.slug}` }, f.name),
    f.county,
    h("span", { class: "date" }, date(f.foundedOn)),
    standing(f, day),
  ]);
}

export async function render() {
  const day = today();
  const first = await run("ForbundDirectory", { first: 100 });
  const edges = [...first.forbundList.edges];
  const headers = ["Förbund", "Län", "Bildat", "Status"];
  let list = table(headers, rows(edges, day));
  const draw = () => {
    const fresh = table(headers, rows(edges, day));
    list.replaceWith(fresh);
    list = fresh;
  };
  let page = first.forbundList.pageInfo;
  const more = h("button", { type: "button" }, "Visa fler");
  const count = h("p", { role: "status" }, `${edges.length} förbund`);
  more.hidden = !page.hasNextPage;
  more.onclick = async () => {
    const next = await run("ForbundDirectory", { first: 100, after: page.endCursor });
    edges.push(...next.forbundList.edges);
    page = next.forbundList.pageInfo;
    more.hidden = !page.hasNextPage;
    count.textContent = `${edges.length} förbund`;
    draw();
  };
  return h(
    "article",
    {},
    h("h1", {}, "Förbund"),
    h("p", {}, "Alla samordningsförbund i tjänsten: de verksamma, och de som upplösts eller gått upp i ett annat förbund (deras uppgifter finns kvar som arkiv)."),
    count,
    list,
    more,
  );
}

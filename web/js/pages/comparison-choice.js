// @ts-check
// /comparisons: which förbund to compare with the national average — the
// signed-in user's own first, then every förbund still in the network.

import { h } from "../dom.js";
import { run } from "../api.js";
import { today } from "../format.js";

export const title = () => "Jämförelser";

export async function render({ principal }) {
  const day = today();
  const data = await run("ForbundDirectory", { first: 100 });
  const active = data.forbundList.edges
    .map((e) => e.node)
    .filter((f) => !f.dissolvedOn || f.dissolvedOn >= day);
  const own = principal && principal.forbund ? active.find((f) => f.slug === principal.forbund.slug) : null;
  const link = (f) => h("a", { href: `/comparisons/${f.slug}` }, f.name);
  return h(
    "article",
    {},
    h("h1", {}, "Jämförelser"),
    h("p", {}, "Ett förbunds resultat på de nationella indikatorerna mot riksgenomsnittet, året innan och de andra förbunden, med nyckeltal och hur många i befolkningen som försörjs av ersättningar och bidrag. Välj förbund."),
    own ? h("p", { class: "lead" }, "Ert förbund: ", link(own)) : null,
    h("h2", {}, "Förbund"),
    h("ul", { class: "choices" }, active.map((f) => h("li", {}, link(f), ` (${f.county})`))),
    h("p", {}, "Förbund som har upplösts finns kvar i ", h("a", { href: "/forbund" }, "förteckningen"), "."),
  );
}

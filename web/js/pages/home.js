// The start page: what the app holds and where to begin.

import { h } from "../dom.js";

export const title = () => "Start";

export async function render({ principal }) {
  return h(
    "section",
    { class: "home" },
    h("h1", {}, "Samordningsförbundens gemensamma underlag"),
    h(
      "p",
      {},
      "Insatser, dataskyddsombud och nationella indikatorer för samordningsförbund – " +
        "det som varje förbund delar med de andra, och det som allmänheten får se.",
    ),
    h(
      "ul",
      { class: "cards" },
      h("li", {}, h("a", { href: "/insatser" }, h("strong", {}, "Insatser"), h("span", {}, "Sök i alla förbunds insatser"))),
      h("li", {}, h("a", { href: "/dso" }, h("strong", {}, "DSO-ringen"), h("span", {}, "Vem är vems dataskyddsombud en viss dag"))),
      h("li", {}, h("a", { href: "/comparisons/sodra-dalarna?year=2020" }, h("strong", {}, "Jämförelser"), h("span", {}, "Indikatorer mot riksgenomsnittet"))),
      h("li", {}, h("a", { href: "/meetings" }, h("strong", {}, "Sammanträden"), h("span", {}, "Styrelsernas möten och beslut"))),
    ),
    principal && principal.viewerCan.createForbund ? h("p", {}, h("a", { href: "/forbund/ny", class: "button primary" }, "Nytt förbund")) : null,
    principal ? null : h("p", {}, "Inloggad personal ser också budgetar och förbundets egna uppgifter. ", h("a", { href: "/login" }, "Logga in")),
  );
}

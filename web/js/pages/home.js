// @ts-check
// The start page: what waits for the signed-in person ("Att göra"), what
// the app holds and where to begin.

import { h } from "../dom.js";
import { run } from "../api.js";
import { drafts } from "../forms.js";
import { asked, partyLine } from "./dso.js";

export const title = () => "Start";

/** What a proposal means for `own`, in one sentence, and by when. */
function meaning(p, own) {
  const party = p.parties.find((x) => x.forbund.slug === own.slug);
  const effect = party ? partyLine(party).split(" – ").slice(1).join(", ") : "";
  return `${asked(p, new Map())}${effect ? ` För ${own.name}: ${effect}.` : ""} Svara senast ${p.effectiveOn}.`;
}

/** The others whose answer the förbund's own proposal waits for. */
function waitingFor(p) {
  const names = p.parties.filter((x) => x.answer === "PENDING").map((x) => x.forbund.name);
  return `${asked(p, new Map())} Väntar på svar från ${names.join(", ") || "nätverket"} senast ${p.effectiveOn}.`;
}

/** "Att göra": each thing a link to where it is done. */
async function todo() {
  const me = (await run("Todo")).me;
  // Signed out since the page began: nothing waits.
  if (!me) return null;
  const t = me.todo;
  const own = me.forbund;
  const items = [
    ...t.proposalsToAnswer.map((p) =>
      h("li", {}, h("strong", {}, "Förslag att svara på: "), meaning(p, own), " ", h("a", { href: "/dso#forslag" }, "Svara på DSO-sidan")),
    ),
    ...t.reportsDue.map((r) =>
      h(
        "li",
        {},
        h("strong", {}, "Resultat att rapportera: "),
        `${r.insats.name}, ${r.periodFrom} – ${r.periodTo}. `,
        h("a", { href: `/insatser/${r.insats.id}/resultat` }, `Rapportera resultat för ${r.insats.name}`),
      ),
    ),
    ...drafts().map((d) => h("li", {}, h("strong", {}, "Utkast: "), `${d.title}, inte sparat. `, h("a", { href: d.path }, `Fortsätt med ${d.title.toLowerCase()}`))),
    ...t.ownProposalsWaiting.map((p) =>
      h("li", {}, h("strong", {}, "Ert förslag väntar: "), waitingFor(p), " ", h("a", { href: "/dso#forslag" }, "Se eller dra tillbaka förslaget")),
    ),
  ];
  return h(
    "section",
    { class: "todo", "aria-labelledby": "todo-heading" },
    h("h2", { id: "todo-heading" }, "Att göra"),
    items.length ? h("ul", {}, items) : h("p", {}, "Inget väntar på dig just nu."),
  );
}

export async function render({ principal }) {
  return h(
    "section",
    { class: "home" },
    h("h1", {}, "Samordningsförbundens gemensamma underlag"),
    principal ? await todo() : null,
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
      h("li", {}, h("a", { href: "/comparisons" }, h("strong", {}, "Jämförelser"), h("span", {}, "Indikatorer mot riksgenomsnittet"))),
      h("li", {}, h("a", { href: "/meetings" }, h("strong", {}, "Sammanträden"), h("span", {}, "Styrelsernas möten och beslut"))),
    ),
    principal && principal.viewerCan.createForbund ? h("p", {}, h("a", { href: "/forbund/ny", class: "button primary" }, "Nytt förbund")) : null,
    principal ? null : h("p", {}, "Inloggad personal ser också budgetar och förbundets egna uppgifter. ", h("a", { href: "/login" }, "Logga in")),
  );
}

/** Answers, new proposals and reports change what waits: drawn again. */
export const live = ({ principal }) => (principal ? [["RingChanged", {}], ["CatalogueChanged", {}]] : []);

// /tillganglighet: the accessibility statement (tillgänglighetsredogörelse)
// that lag (2018:1937) om tillgänglighet till digital offentlig service asks
// of every public service, in the structure of DIGG's model statement.

import { h } from "../dom.js";

export const title = () => "Tillgänglighetsredogörelse";

export async function render() {
  return h(
    "article",
    { class: "statement" },
    h("h1", {}, "Tillgänglighetsredogörelse"),
    h(
      "p",
      { class: "lead" },
      "Samordningsförbunden står bakom den här webbtjänsten, där förbunden delar sina insatser, sin DSO-ring och sina indikatorer. Vi vill att så många som möjligt ska kunna använda den. Här beskriver vi hur tjänsten uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, kända brister och hur du kan rapportera problem så att vi kan åtgärda dem.",
    ),
    h("h2", {}, "Hur tillgänglig är tjänsten?"),
    h(
      "p",
      {},
      "Vi bedömer att tjänsten är förenlig med lagen, det vill säga med kraven i WCAG 2.1 på nivå AA. Alla sidor och formulär har synliga etiketter, fel visas vid fältet de gäller och fokus flyttas dit, allt kan göras med enbart tangentbordet och sidorna fungerar ner till 360 pixlars bredd utan att man behöver skrolla i sidled.",
    ),
    h("h2", {}, "Kända brister"),
    h(
      "ul",
      {},
      h(
        "li",
        {},
        "Diagrammen på sidorna för jämförelser och DSO-ringen är bilder i SVG. Samma uppgifter finns alltid som text eller tabell direkt bredvid diagrammet.",
      ),
      h(
        "li",
        {},
        "GraphiQL på /graphql är ett verktyg för utvecklare som kommer från ett annat projekt. Det omfattas inte av den här bedömningen; allt som går att göra där går också att göra i tjänstens egna sidor eller via API:et.",
      ),
      h(
        "li",
        {},
        "Några felmeddelanden från API:et som sällan visas är ännu inte översatta till svenska. De visas efter en svensk inledning med fältets namn.",
      ),
    ),
    h("h2", {}, "Hur vi har testat tjänsten"),
    h(
      "p",
      {},
      "Varje ändring av tjänsten testas automatiskt i en riktig webbläsare (Chromium): verktyget axe-core granskar varje sida och formulär, som inloggad och utloggad, i 1280 och 360 pixlars bredd, mot kraven i WCAG 2.1 A och AA, och en insats läggs upp med enbart tangentbordet. Tjänsten släpps inte om något av testen hittar ett fel. Redogörelsen uppdaterades senast 2026-12-02.",
    ),
    h("h2", {}, "Rapportera brister"),
    h(
      "p",
      {},
      "Om du upptäcker problem som inte beskrivs här, eller om du behöver innehåll i en annan form, kontakta det samordningsförbund du arbetar för eller vill veta mer om. Varje förbund har en egen sida här i tjänsten.",
    ),
    h("h2", {}, "Tillsyn"),
    h(
      "p",
      {},
      "Myndigheten för digital förvaltning (DIGG) har ansvaret för tillsyn över lagen. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du ",
      h("a", { href: "https://www.digg.se/tdosanmalan", rel: "noopener" }, "anmäla det till DIGG"),
      ".",
    ),
  );
}

// The national indicators' forms: definitions and national averages for the
// network (/indikatorer/ny, /indikatorer/{kod}/redigera,
// /indikatorer/riksgenomsnitt), a förbund's own results and key figures
// (/forbund/{slug}/resultat, /forbund/{slug}/nyckeltal); each offered where
// the API says the caller may (`me.viewerCan`, `Forbund.viewerCan`).

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { formPage, refused } from "./form-page.js";

let pageTitle = "Indikatorer";
export const title = () => pageTitle;

const comparisons = h("a", { href: "/comparisons/sodra-dalarna" }, "Jämförelser");

/** /indikatorer/…: the network's definitions and averages. */
export async function render({ params, principal }) {
  const [code, action] = params;
  const can = principal ? principal.viewerCan : {};
  if (code === "riksgenomsnitt" && action === undefined) {
    pageTitle = FORMS.upsertNationalAverages.title;
    if (!can.upsertNationalAverages) return refused(principal, "registrera riksgenomsnitt");
    const body = await form({
      spec: FORMS.upsertNationalAverages,
      id: "/indikatorer/riksgenomsnitt",
      saved: () => navigate("/comparisons/sodra-dalarna", { force: true }),
    });
    return formPage([comparisons], "Riksgenomsnitt", body);
  }
  if (!can.defineIndicator) return refused(principal, "ändra indikatorernas definitioner");
  if (code === "ny" && action === undefined) {
    pageTitle = "Ny indikator";
    const body = await form({
      spec: FORMS.defineIndicator,
      id: "/indikatorer/ny",
      saved: () => navigate("/comparisons/sodra-dalarna", { force: true }),
    });
    return formPage([comparisons], "Ny indikator", body);
  }
  if (action !== "redigera") throw new ApiError("Sidan finns inte.", "NOT_FOUND");
  const load = async () => {
    const found = (await run("IndicatorDefinitions")).indicators.find((i) => i.code === code);
    if (!found) throw new ApiError("Indikatorn finns inte.", "NOT_FOUND");
    return found;
  };
  const indicator = await load();
  pageTitle = `Indikator ${indicator.code}`;
  const body = await form({
    spec: { ...FORMS.defineIndicator, context: ["version"] },
    id: `/indikatorer/${code}/redigera`,
    context: { version: indicator.version },
    record: indicator,
    reload: async () => {
      const fresh = await load();
      return { record: fresh, version: fresh.version };
    },
    saved: () => navigate("/comparisons/sodra-dalarna", { force: true }),
  });
  return formPage([comparisons], `Indikator ${indicator.code}: ${indicator.name}`, body);
}

/** /forbund/{slug}/resultat and /forbund/{slug}/nyckeltal. */
export async function renderForForbund({ slug, action, principal, f }) {
  const name = action === "resultat" ? "upsertIndicatorResults" : "setKeyFigures";
  const spec = FORMS[name];
  pageTitle = `${spec.title}: ${f.name}`;
  if (!f.viewerCan.writeIndicatorResults) return refused(principal, `registrera ${spec.title.toLowerCase()} för ${f.name}`);
  const body = await form({
    spec,
    id: `/forbund/${slug}/${action}`,
    context: { forbund: slug },
    saved: () => navigate(`/comparisons/${slug}`, { force: true }),
  });
  return formPage([h("a", { href: `/forbund/${slug}` }, f.name)], `${spec.title} för ${f.name}`, body);
}

// /forbund/ny and /forbund/{slug}/redigera: a förbund's own facts, its
// members and their funding shares, offered where the API says the caller
// may (`me.viewerCan.createForbund`, `Forbund.viewerCan.update`).

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { formPage, refused } from "./form-page.js";
import { renderForForbund } from "./indicator-form.js";

let pageTitle = "Förbund";
export const title = () => pageTitle;

async function successors(except) {
  const data = await run("ForbundChoices");
  return data.forbundList.edges.map((e) => e.node).filter((f) => f.slug !== except).map((f) => [f.slug, f.name]);
}

function withSuccessors(spec, choices) {
  return { ...spec, fields: { ...spec.fields, successor: { choices } } };
}

/** A förbund as its form's fields name them. */
function asRecord(f) {
  return { ...f, successor: f.successor ? f.successor.slug : null };
}

export async function render({ params, principal }) {
  const [slug, action] = params;
  if (slug === "ny" && action === undefined) {
    pageTitle = FORMS.createForbund.title;
    if (!principal || !principal.viewerCan.createForbund) return refused(principal, "lägga upp förbund");
    const body = await form({
      spec: withSuccessors(FORMS.createForbund, await successors(null)),
      id: "/forbund/ny",
      saved: (f) => navigate(`/forbund/${f.slug}`, { force: true }),
    });
    return formPage([h("a", { href: "/" }, "Start")], "Nytt förbund", body);
  }
  if (action === "resultat" || action === "nyckeltal") {
    const data = await run("ForbundForm", { slug });
    if (!data.forbund) throw new ApiError("Förbundet finns inte.", "NOT_FOUND");
    return renderForForbund({ slug, action, principal, f: data.forbund });
  }
  if (action !== "redigera") throw new ApiError("Sidan finns inte.", "NOT_FOUND");
  const load = async () => {
    const data = await run("ForbundForm", { slug });
    if (!data.forbund) throw new ApiError("Förbundet finns inte.", "NOT_FOUND");
    return data.forbund;
  };
  const f = await load();
  pageTitle = `Ändra ${f.name}`;
  if (!f.viewerCan.update) return refused(principal, `ändra ${f.name}`);
  const body = await form({
    spec: withSuccessors(FORMS.updateForbund, await successors(f.slug)),
    id: `/forbund/${slug}/redigera`,
    context: { id: f.id, version: f.version },
    record: asRecord(f),
    reload: async () => {
      const fresh = await load();
      return { record: asRecord(fresh), version: fresh.version };
    },
    saved: (saved) => navigate(`/forbund/${saved.slug}`, { force: true }),
    live: { entity: "Forbund", id: f.id },
  });
  return formPage([h("a", { href: `/forbund/${f.slug}` }, f.name)], `Ändra ${f.name}`, body);
}

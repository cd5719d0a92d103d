// /dso/{åtgärd}: the DSO-ring's changes, each a form from the one table
// (form-table.js): joining, leaving (with a preview of what the notice
// does, which writes nothing), a DSO's scope — for a member's admin — and a
// new order, a corrected history and a new agreement for the network. A
// change that gives another förbund a new DSO waits for its consent.

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { today } from "../format.js";
import { formPage, refused } from "./form-page.js";

let pageTitle = "DSO-ringen";
export const title = () => pageTitle;

/** The address part of each form, and who may use it. */
export const ACTIONS = {
  "ga-med": { form: "joinDsoRing", member: true, link: "Gå med i ringen" },
  lamna: { form: "leaveDsoRing", member: true, link: "Säga upp medlemskapet" },
  omfattning: { form: "setDsoAssignmentScope", member: true, link: "Ändra omfattningen" },
  ordning: { form: "rearrangeDsoRing", network: "manageDsoRing", link: "Ny ordning i ringen" },
  rattelse: { form: "correctDsoRingHistory", network: "manageDsoRing", link: "Rätta ringens historik" },
  avsluta: { form: "closeDsoMembership", network: "manageDsoRing", link: "Avsluta ett förbunds plats" },
  avtal: { form: "createDsoAgreement", network: "createDsoAgreement", link: "Nytt avtal" },
};

/** Whether `principal` may use `action`, as the API says (`viewerCan`). */
export function may(principal, action) {
  if (!principal) return false;
  if (action.member) return Boolean(principal.forbund && principal.forbund.viewerCan.manageDsoMembership);
  return Boolean(principal.viewerCan[action.network]);
}

/**
 * What a notice from `forbund` received on `noticeReceivedOn` would do, in
 * words (the API's preview; nothing is written). The ring page's preview
 * shows it too.
 */
export async function leaveConsequences(vars) {
  const p = (await run("DsoLeavePreview", { forbund: vars.forbund, noticeReceivedOn: vars.noticeReceivedOn })).dsoLeavePreview;
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Sista dag i ringen"),
    h("dd", {}, p.lastDay),
    h("dt", {}, "Tar över"),
    h("dd", {}, p.takenOverBy && p.handedOver ? `${p.takenOverBy.name} blir dataskyddsombud för ${p.handedOver.name}` : "–"),
    h("dt", {}, "Avtalsperiodens slut"),
    h("dd", {}, p.periodEndsOn),
    h("dt", {}, "Sista dag för uppsägning till periodens slut"),
    h("dd", {}, p.noticeDeadline),
  );
}

export async function render({ params, principal }) {
  const [action] = params;
  const chosen = ACTIONS[action];
  if (!chosen) throw new ApiError("Sidan finns inte.", "NOT_FOUND");
  const spec = FORMS[chosen.form];
  pageTitle = spec.title;
  if (!may(principal, chosen)) return refused(principal, spec.title.charAt(0).toLowerCase() + spec.title.slice(1));
  const ring = (await run("DsoRingPage", { on: today(), from: today(), to: today() })).dsoRing;
  const members = ring ? ring.members.map((m) => [m.slug, m.name]) : [];
  const context = chosen.member ? { forbund: principal.forbund.slug } : {};
  let current = spec;
  let record = null;
  if (chosen.form === "joinDsoRing") {
    current = { ...spec, fields: { ...spec.fields, after: { ...spec.fields.after, choices: members } } };
  } else if (chosen.form === "closeDsoMembership") {
    current = { ...spec, fields: { ...spec.fields, forbund: { ...spec.fields.forbund, choices: members } } };
  } else if (chosen.form === "rearrangeDsoRing" || chosen.form === "correctDsoRingHistory") {
    // Begun from the order of today's ring.
    current = { ...spec, initial: { order: ring ? ring.members.map((m) => m.slug) : [] } };
  }
  const body = await form({
    spec: current,
    id: `/dso/${action}`,
    context,
    record,
    preview: chosen.form === "leaveDsoRing" ? { label: "Visa följderna", run: leaveConsequences } : null,
    saved: () => navigate("/dso", { force: true }),
    // A change that needs another förbund's consent is not done yet.
    receipt: (answer) =>
      answer && answer.proposal
        ? `${spec.title}: skickat som förslag. Det genomförs när alla förbund det gäller har godkänt det (se Förslag nedan).`
        : `${spec.title}: sparat.`,
  });
  return formPage([h("a", { href: "/dso" }, "DSO-ringen")], principal.forbund && chosen.member ? `${spec.title}: ${principal.forbund.name}` : spec.title, body);
}

// /meetings/ny and /meetings/{id}/{åtgärd}: a board meeting and its
// decisions, each a form from the one table (form-table.js), offered where
// the API says the caller may (`viewerCan`).

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { formPage, refused, creatable, recordFormPage } from "./form-page.js";

let pageTitle = "Sammanträde";
export const title = () => pageTitle;

/** The address part of each form of a meeting, and what it needs. */
export const ACTIONS = {
  redigera: { form: "updateMeeting", can: "update", link: "Ändra" },
  beslut: { form: "recordDecision", can: "recordDecision", link: "Nytt beslut" },
  // Reached from a decision's own "Ändra" (`?beslut=` names it).
  "andra-beslut": { form: "updateDecision", can: "recordDecision", link: null },
};

/** The decision `?beslut=` names, as its form's fields name its values. */
function decisionOf(meeting, query) {
  const d = meeting.decisions.find((x) => x.id === query.get("beslut"));
  if (!d) throw new ApiError("Sammanträdet har inget sådant beslut.", "NOT_FOUND");
  return { paragraph: d.paragraph, text: d.text, amountSek: d.amountSek, insats: d.insats ? d.insats.id : null };
}

const crumbs = [h("a", { href: "/meetings" }, "Sammanträden")];

async function create({ principal, query }) {
  pageTitle = FORMS.createMeeting.title;
  const { spec, context, own } = await creatable(principal, query, FORMS.createMeeting, "createMeeting");
  if (!spec) return refused(principal, "lägga upp sammanträden");
  const body = await form({
    spec,
    id: "/meetings/ny",
    context,
    saved: () => navigate(`/meetings${context.forbund ? `?forbund=${context.forbund}` : ""}`, { force: true }),
  });
  return formPage(crumbs, own ? `Nytt sammanträde för ${own.name}` : spec.title, body);
}

/** What a meeting's forms need beyond the shared page (form-page.js). */
const MEETING = {
  path: "/meetings",
  entity: "Meeting",
  actions: ACTIONS,
  create,
  async load(id) {
    const data = await run("MeetingForm", { id });
    if (!data.meeting) throw new ApiError("Sammanträdet finns inte.", "NOT_FOUND");
    return data.meeting;
  },
  title: (meeting, spec) => `${spec.title} ${meeting.heldOn}`,
  refusal: (meeting) => `ändra sammanträdet ${meeting.heldOn}`,
  prepare(meeting, chosen, spec, query) {
    if (chosen.form === "updateMeeting") {
      return { context: { id: meeting.id, version: meeting.version, forbund: meeting.forbund.slug }, values: meeting };
    }
    const insatser = meeting.forbund.insatser.edges.map((e) => [e.node.id, e.node.name]);
    const correcting = chosen.form === "updateDecision";
    return {
      spec: { ...spec, fields: { ...spec.fields, insats: { ...spec.fields.insats, choices: insatser } } },
      context: correcting ? { meeting: meeting.id, version: meeting.version, decision: query.get("beslut") } : { meeting: meeting.id, version: meeting.version },
      values: correcting ? decisionOf(meeting, query) : null,
      query: correcting ? `?beslut=${query.get("beslut")}` : "",
    };
  },
  values: (meeting, chosen, query) => (chosen.form === "updateMeeting" ? meeting : chosen.form === "updateDecision" ? decisionOf(meeting, query) : {}),
  back: (meeting) => `/meetings?forbund=${meeting.forbund.slug}`,
  crumbs: () => crumbs,
  heading: (meeting, spec) => `${spec.title}: ${meeting.forbund.name} ${meeting.heldOn}`,
};

export function render(page) {
  return recordFormPage(page, MEETING, (t) => {
    pageTitle = t;
  });
}

// /meetings/ny and /meetings/{id}/{åtgärd}: a board meeting and its
// decisions, each a form from the one table (form-table.js), offered where
// the API says the caller may (`viewerCan`).

import { h } from "../dom.js";
import { run, ApiError } from "../api.js";
import { navigate } from "../nav.js";
import { form } from "../forms.js";
import { FORMS } from "../form-table.js";
import { formPage, refused, creatable } from "./form-page.js";

let pageTitle = "Sammanträde";
export const title = () => pageTitle;

/** The address part of each form of a meeting, and what it needs. */
export const ACTIONS = {
  redigera: { form: "updateMeeting", can: "update", link: "Ändra" },
  beslut: { form: "recordDecision", can: "recordDecision", link: "Nytt beslut" },
};

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

export async function render({ params, principal, query }) {
  const [id, action] = params;
  if (id === "ny" && action === undefined) return create({ principal, query });
  const chosen = ACTIONS[action];
  if (!chosen) throw new ApiError("Sidan finns inte.", "NOT_FOUND");
  const load = async () => {
    const data = await run("MeetingForm", { id });
    if (!data.meeting) throw new ApiError("Sammanträdet finns inte.", "NOT_FOUND");
    return data.meeting;
  };
  const meeting = await load();
  const spec = FORMS[chosen.form];
  pageTitle = `${spec.title} ${meeting.heldOn}`;
  if (!meeting.viewerCan[chosen.can]) return refused(principal, `ändra sammanträdet ${meeting.heldOn}`);
  const forbund = meeting.forbund.slug;
  let current = spec;
  let context;
  let record = null;
  if (chosen.form === "updateMeeting") {
    context = { id, version: meeting.version, forbund };
    record = meeting;
  } else {
    context = { meeting: id, version: meeting.version };
    const insatser = meeting.forbund.insatser.edges.map((e) => [e.node.id, e.node.name]);
    current = { ...spec, fields: { ...spec.fields, insats: { ...spec.fields.insats, choices: insatser } } };
  }
  const body = await form({
    spec: current,
    id: `/meetings/${id}/${action}`,
    context,
    record,
    reload: async () => {
      const fresh = await load();
      return { record: chosen.form === "updateMeeting" ? fresh : {}, version: fresh.version };
    },
    saved: () => navigate(`/meetings?forbund=${forbund}`, { force: true }),
    live: { entity: "Meeting", id },
  });
  return formPage(crumbs, `${spec.title}: ${meeting.forbund.name} ${meeting.heldOn}`, body);
}

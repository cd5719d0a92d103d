// Forms built from the schema's own definitions of what a change takes
// (/app/inputs.json: each mutation's arguments and input types, their types,
// defaults and descriptions), laid out and worded by the one table of
// form-table.js. A field added to an input reaches its form without new
// form code; it takes its place at the end until the table names it.
//
// Nothing typed is lost: a form keeps its values in sessionStorage until it
// is saved or discarded (a reload or a dropped connection brings them back),
// asks before the page is left with changes, sends once per press, and when
// someone else saved the record in between it says so, shows their values
// beside the fields they changed, keeps what was typed and lets it be saved
// over theirs knowingly (the record's version, which the API checks).

import { h } from "./dom.js";
import { run, ApiError } from "./api.js";
import { labels, number } from "./format.js";
import { setLeaveGuard } from "./nav.js";
import { follow } from "./live.js";
import { FIELD_LABELS, ENUM_LABELS } from "./form-table.js";

let definitions = null;

/** The schema's inputs, enums and mutations, read once. */
export async function loadDefinitions() {
  if (definitions) return definitions;
  let response;
  try {
    response = await fetch("/app/inputs.json");
  } catch {
    throw new ApiError("Servern kunde inte nås. Försök igen om en stund.", "NETWORK");
  }
  if (!response.ok) throw new ApiError("Formulärens beskrivningar kunde inte läsas in.", "INTERNAL");
  definitions = await response.json();
  return definitions;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The fields of `spec`'s mutation: every argument the page does not supply
 * itself, with an input-object argument opened into its fields.
 */
export function fieldsOf(spec, defs) {
  const mutation = defs.mutations[spec.mutation];
  if (!mutation) throw new ApiError(`API:et har ingen ändring ${spec.mutation}.`, "INTERNAL");
  const out = [];
  const given = new Set(spec.context || []);
  for (const arg of mutation.args) {
    if (given.has(arg.name)) continue;
    const input = defs.inputs[arg.type];
    if (input && !arg.list) {
      for (const field of input.fields) {
        if (!given.has(field.name)) out.push(describeField(spec, defs, field, arg.name));
      }
    } else {
      out.push(describeField(spec, defs, arg, null));
    }
  }
  const skip = new Set(spec.skip || []);
  const order = spec.order || [];
  const rank = (f) => {
    const i = order.indexOf(f.name);
    return i < 0 ? order.length : i;
  };
  return out.filter((f) => !skip.has(f.name)).sort((a, b) => rank(a) - rank(b));
}

function describeField(spec, defs, value, parent) {
  const own = (spec.fields && spec.fields[value.name]) || {};
  const nested = defs.inputs[value.type];
  return {
    name: value.name,
    key: parent ? `${parent}.${value.name}` : value.name,
    parent,
    type: value.type,
    list: value.list,
    required: value.required || Boolean(own.required),
    default: value.default,
    label: own.label || FIELD_LABELS[value.name] || value.name,
    help: own.help !== undefined ? own.help : null,
    multiline: Boolean(own.multiline),
    choices: own.choices || null,
    enumValues: defs.enums[value.type] ? defs.enums[value.type].map((e) => e.name) : null,
    rows: nested && value.list ? nested.fields.map((f) => describeField({ fields: own.rowFields || {} }, defs, f, null)) : null,
  };
}

function enumLabel(type, value) {
  const kind = ENUM_LABELS[type];
  return (kind && labels[kind] && labels[kind][value]) || value;
}

/** A field of whole kronor (`…Sek`), shown and read with Swedish separators. */
function isMoney(field) {
  return field.type === "Int" && /Sek$/.test(field.name);
}

/** What a value of the record shows as in a field (all fields hold text). */
function asText(field, value) {
  if (value === null || value === undefined) return field.type === "Boolean" ? false : "";
  if (field.type === "Boolean") return Boolean(value);
  if (isMoney(field) && !field.list) return number(value);
  if (field.type === "Float" && !field.list) return String(value).replace(".", ",");
  // A set to choose from compares in any order; a list typed one per line
  // (a ring's order) keeps its order.
  if (field.list && !field.rows && field.choices) return [...value].map(String).sort();
  if (field.list && !field.rows) return [...value].map(String).join("\n");
  if (field.rows) {
    // Each cell as its field shows it, so a table left alone is unchanged.
    return value.map((row) => Object.fromEntries(field.rows.map((sub) => [sub.name, row[sub.name] === null || row[sub.name] === undefined ? "" : String(row[sub.name])])));
  }
  return String(value);
}

/** Reads a field's text as the value the API takes, or an error in Swedish. */
function parse(field, text) {
  if (field.type === "Boolean") return { value: Boolean(text) };
  if (field.list && !field.rows && field.choices) return { value: text };
  if (field.list && !field.rows) {
    const items = String(text).split("\n").map((l) => l.trim()).filter(Boolean);
    if (field.required && !items.length) return { error: `Fyll i ${field.label.toLowerCase()}, en per rad.` };
    return { value: items };
  }
  if (field.rows) return { value: text };
  const trimmed = text.trim();
  if (trimmed === "") {
    return field.required ? { error: `Fyll i ${field.label.toLowerCase()}.` } : { value: null };
  }
  switch (field.type) {
    case "Int": {
      // As people write them: "§ 44", "245 310", "245 310,00".
      const cleaned = trimmed.replace(/^§\s*/, "").replace(/\s/g, "").replace(/\u2212/g, "-");
      const [integral, fraction = ""] = cleaned.split(",");
      if (!/^-?\d+$/.test(integral) || !/^\d*$/.test(fraction)) {
        return { error: `${field.label} ska vara ett heltal, t.ex. 12.` };
      }
      const n = Number(integral);
      if (/[1-9]/.test(fraction)) {
        return {
          error: isMoney(field)
            ? `${field.label} anges i hela kronor, utan ören (${number(n)} eller ${number(n + 1)}).`
            : `${field.label} ska vara ett heltal, utan decimaler.`,
        };
      }
      return { value: n };
    }
    case "Float": {
      const n = Number(trimmed.replace(/\s/g, "").replace(/\u2212/g, "-").replace(",", "."));
      if (!Number.isFinite(n)) return { error: `${field.label} ska vara ett tal, t.ex. 12,5.` };
      return { value: n };
    }
    case "Date":
      if (!DATE.test(trimmed)) return { error: `${field.label} skrivs ÅÅÅÅ-MM-DD, t.ex. 2026-01-31.` };
      return { value: trimmed };
    default:
      return { value: trimmed };
  }
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Where a save leaves its receipt for the page it leads to. */
export const RECEIPT = "finsam:receipt";

let serial = 0;

/** One input for `field`, its label, help and the place for its error. */
function control(field, value, onChange) {
  const id = `f-${++serial}-${field.key.replace(/\W/g, "-")}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const help = [field.help, field.type === "Date" ? "Skrivs ÅÅÅÅ-MM-DD." : null, field.list && !field.choices ? "En per rad." : null].filter(Boolean).join(" ");
  const describedBy = [help ? helpId : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: field.key,
    "aria-describedby": describedBy,
    "aria-required": field.required ? "true" : undefined,
    required: field.required,
    dataset: { field: field.key },
    oninput: onChange,
    onchange: onChange,
  };
  let input;
  if (field.enumValues) {
    input = h(
      "select",
      common,
      h("option", { value: "" }, field.required ? "Välj …" : "(ingen)"),
      field.enumValues.map((v) => h("option", { value: v, selected: v === value }, enumLabel(field.type, v))),
    );
  } else if (field.choices && !field.list) {
    input = h(
      "select",
      common,
      h("option", { value: "" }, field.required ? "Välj …" : "(ingen)"),
      field.choices.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
    );
  } else if (field.choices && field.list) {
    // A set of named things: one checkbox each, in a group with its label.
    const chosen = new Set(value || []);
    return h(
      "fieldset",
      { class: "field wide choices", dataset: { field: field.key, kind: "set" }, "aria-describedby": describedBy },
      h("legend", {}, field.label),
      help ? h("p", { class: "hint", id: helpId }, help) : null,
      field.choices.map(([v, text]) => {
        const boxId = `${id}-${v}`;
        return h(
          "div",
          { class: "choice" },
          h("input", { type: "checkbox", id: boxId, value: v, checked: chosen.has(v), onchange: onChange }),
          h("label", { for: boxId }, text),
        );
      }),
      h("p", { class: "field-error", id: errorId, hidden: true }),
    );
  } else if (field.type === "Boolean") {
    input = h("input", { ...common, type: "checkbox", checked: Boolean(value), required: false });
  } else if (field.multiline || field.list) {
    input = h("textarea", { ...common, rows: 4 }, value);
  } else {
    const numeric = field.type === "Int" || field.type === "Float" || field.type === "Date";
    input = h("input", {
      ...common,
      type: "text",
      value,
      inputmode: field.type === "Float" ? "decimal" : numeric ? "numeric" : undefined,
      placeholder: field.type === "Date" ? "ÅÅÅÅ-MM-DD" : undefined,
      autocomplete: "off",
    });
  }
  return h(
    "div",
    { class: ["field", field.multiline || field.type === "String" ? "wide" : null] },
    h("div", { class: "label-row" }, h("label", { for: id }, field.label), field.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
    help ? h("p", { class: "hint", id: helpId }, help) : null,
    input,
    h("p", { class: "field-error", id: errorId, hidden: true }),
  );
}

/**
 * A table of rows of a nested input (an outcome per kommun, a förbund's
 * members, indicator results): a row per record, a button to add one and
 * one to remove each, and rows pasted from a spreadsheet (tab-separated,
 * in the table's column order; a header row is skipped).
 */
function rowsControl(field, rows, onChange) {
  const body = h("tbody", {});
  const cell = (sub, index, value) => {
    const id = `f-${++serial}-${field.key}-${index}-${sub.name}`;
    const text = value === null || value === undefined ? "" : String(value);
    const common = { id, dataset: { sub: sub.name }, oninput: onChange, onchange: onChange };
    // A value not among the choices (an older report's spelling) stays on
    // offer, so correcting a row does not silently change it.
    const choices = sub.choices && text && !sub.choices.some(([v]) => v === text) ? [...sub.choices, [text, text]] : sub.choices;
    const input = sub.enumValues
      ? h(
          "select",
          common,
          h("option", { value: "" }, "Välj …"),
          sub.enumValues.map((v) => h("option", { value: v, selected: v === text }, enumLabel(sub.type, v))),
        )
      : choices
        ? h("select", common, h("option", { value: "" }, "Välj …"), choices.map(([v, label]) => h("option", { value: v, selected: v === text }, label)))
        : h("input", {
          ...common,
          type: "text",
          value: text,
          inputmode: sub.type === "Int" ? "numeric" : sub.type === "Float" ? "decimal" : undefined,
        });
    return h("td", {}, h("label", { for: id, class: "visually-hidden" }, `${sub.label}, rad ${index + 1}`), input);
  };
  const addRow = (row = {}) => {
    const index = body.children.length;
    const remove = h(
      "button",
      {
        type: "button",
        class: "secondary small",
        onclick: () => {
          tr.remove();
          onChange();
        },
      },
      h("span", { class: "visually-hidden" }, `Rad ${index + 1}: `),
      "Ta bort",
    );
    const tr = h("tr", {}, field.rows.map((sub) => cell(sub, index, row[sub.name])), h("td", {}, remove));
    body.append(tr);
  };
  (rows || []).forEach(addRow);
  const pasteId = `f-${++serial}-${field.key}-paste`;
  const paste = h("textarea", { id: pasteId, rows: 3, "aria-describedby": `${pasteId}-help` });
  const pasteRows = () => {
    const lines = paste.value.split(/\r?\n/).filter((l) => l.trim() !== "");
    for (const line of lines) {
      const cells = line.split("\t").map((c) => c.trim());
      const row = {};
      field.rows.forEach((sub, i) => {
        let value = cells[i] ?? "";
        if (sub.enumValues && value && !sub.enumValues.includes(value)) {
          // A label as the app shows it ("Kvinnor") is taken for its value.
          value = sub.enumValues.find((v) => enumLabel(sub.type, v).toLowerCase() === value.toLowerCase()) || value;
        }
        if (sub.choices && value) {
          // A kommun as spreadsheets name it ("Tingsryd") is the member
          // kommun it names ("Tingsryds kommun").
          const lc = value.toLowerCase();
          const hit = sub.choices.find(([, text]) => [lc, `${lc} `, `${lc}s `].some((p) => text.toLowerCase() === lc || text.toLowerCase().startsWith(p)));
          if (hit) value = hit[0];
        }
        row[sub.name] = value;
      });
      // A header row names the columns: not data.
      if (field.rows.every((sub, i) => (cells[i] || "").toLowerCase() === sub.label.toLowerCase())) continue;
      addRow(row);
    }
    paste.value = "";
    onChange();
  };
  const helpId = `f-${++serial}-${field.key}-help`;
  return h(
    "fieldset",
    { class: "field wide rows", dataset: { field: field.key, kind: "rows" }, "aria-describedby": field.help ? helpId : undefined },
    h("legend", {}, field.label),
    field.help ? h("p", { class: "hint", id: helpId }, field.help) : null,
    h(
      "div",
      { class: "scroll", tabindex: "0", role: "region", "aria-label": field.label },
      h("table", {}, h("thead", {}, h("tr", {}, field.rows.map((sub) => h("th", { scope: "col" }, sub.label)), h("td", {}))), body),
    ),
    h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: () => {
          addRow();
          onChange();
        },
      },
      "Lägg till rad",
    ),
    h(
      "details",
      { class: "paste" },
      h("summary", {}, "Klistra in rader från ett kalkylark"),
      h("label", { for: pasteId }, "Rader att klistra in"),
      h("p", { class: "hint", id: `${pasteId}-help` }, `En rad per post, kolumnerna i ordningen ${field.rows.map((r) => r.label).join(", ")}, åtskilda av tabb (som när man kopierar celler ur ett kalkylark).`),
      paste,
      h("button", { type: "button", class: "secondary", onclick: pasteRows }, "Lägg till raderna"),
    ),
    h("p", { class: "field-error", hidden: true }),
  );
}

/** The current text of every field of a rendered form. */
function readAll(form, fields) {
  const out = {};
  for (const field of fields) {
    const holder = form.querySelector(`[data-field="${CSS.escape(field.key)}"]`);
    if (!holder) continue;
    if (holder.dataset.kind === "set") {
      out[field.key] = [...holder.querySelectorAll("input[type=checkbox]")].filter((b) => b.checked).map((b) => b.value).sort();
    } else if (holder.dataset.kind === "rows") {
      out[field.key] = [...holder.querySelectorAll("tbody tr")]
        .map((tr) => {
          const row = {};
          for (const input of tr.querySelectorAll("[data-sub]")) row[input.dataset.sub] = input.value;
          return row;
        })
        .filter((row) => Object.values(row).some((v) => v.trim() !== ""));
    } else if (holder.type === "checkbox") {
      out[field.key] = holder.checked;
    } else {
      out[field.key] = holder.value;
    }
  }
  return out;
}

function writeField(form, field, text) {
  const holder = form.querySelector(`[data-field="${CSS.escape(field.key)}"]`);
  if (!holder) return;
  if (holder.dataset.kind === "set") {
    for (const box of holder.querySelectorAll("input[type=checkbox]")) box.checked = (text || []).includes(box.value);
  } else if (holder.type === "checkbox") {
    holder.checked = Boolean(text);
  } else if (holder.dataset.kind !== "rows") {
    holder.value = text;
  }
}

function parseRows(field, rows) {
  const parsed = [];
  for (const [i, row] of rows.entries()) {
    const out = {};
    for (const sub of field.rows) {
      const result = parse(sub, row[sub.name] || "");
      if (result.error) return { error: `Rad ${i + 1}: ${result.error}` };
      if (result.value !== null) out[sub.name] = result.value;
    }
    parsed.push(out);
  }
  return { value: parsed };
}

function draftKey(id) {
  return `finsam.draft:${id}`;
}

/**
 * Forgets every draft of this tab: on signing out, what was typed is not
 * left for the next person at the same computer. (An expired session keeps
 * them: signing in again finds the input where it was.)
 */
export function clearDrafts() {
  const keys = [];
  for (let i = 0; i < sessionStorage.length; i += 1) {
    const key = sessionStorage.key(i);
    if (key && key.startsWith("finsam.draft:")) keys.push(key);
  }
  for (const key of keys) sessionStorage.removeItem(key);
}

/** The forms of this tab left as drafts: where each is, and its title. */
export function drafts() {
  const found = [];
  for (let i = 0; i < sessionStorage.length; i += 1) {
    const key = sessionStorage.key(i);
    if (!key || !key.startsWith("finsam.draft:")) continue;
    let title = null;
    try {
      title = JSON.parse(sessionStorage.getItem(key) || "null")?.title;
    } catch {
      // A draft that cannot be read is still a place to go back to.
    }
    found.push({ path: key.slice("finsam.draft:".length), title: title || "Formulär" });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A form for `spec` (an entry of form-table.js's FORMS).
 *   id:       where its draft is kept (the page's path)
 *   context:  the arguments the page supplies (id, version, forbund, …)
 *   record:   the values it edits (by field name), or null for a new thing
 *   reload:   for edit forms, reads the record again: { record, version }
 *   saved:    called with the mutation's answer
 *   receipt:  what the page the save leads to says, from the answer
 *             (default: the form's title and "sparat")
 *   live:     for edit forms, { entity, id } of the record: a save by
 *             someone else is shown at once, not first when saving fails
 */
export async function form({ spec, id, context = {}, record = null, reload = null, saved, receipt = null, preview = null, live = null }) {
  const defs = await loadDefinitions();
  const fields = fieldsOf(spec, defs);
  const editing = record !== null;
  let base = {};
  for (const field of fields) {
    const initial = editing ? record[field.name] : (spec.initial || {})[field.name] ?? field.default;
    base[field.key] = asText(field, initial);
  }
  let version = context.version;
  const key = draftKey(id);
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(key) || "null");
  } catch {
    draft = null;
  }
  if (draft && draft.base) {
    // The draft was begun on the record as it was then: it is compared
    // with that, and saved against that version, so a change someone else
    // saved since shows as a conflict instead of being overwritten.
    base = { ...base, ...draft.base };
    version = draft.version;
  }
  const values = draft ? { ...base, ...draft.values } : { ...base };

  const alert = h("div", { class: "form-alert", role: "alert", tabindex: "-1" });
  // What the change would do, shown before it is made (nothing is written).
  const previewArea = h("div", { class: "preview-result", role: "status", "aria-live": "polite" });
  const status = h("p", { class: "form-status", role: "status" });
  const button = h("button", { type: "submit", class: "primary" }, spec.save || "Spara");
  let sending = false;
  // Saved: later changes are the next page's concern.
  let done = false;

  const changed = () => fields.some((f) => !same(readAll(el, [f])[f.key], base[f.key]));
  const keep = () => {
    const now = readAll(el, fields);
    if (same(now, base) && !draft) {
      sessionStorage.removeItem(key);
    } else {
      sessionStorage.setItem(key, JSON.stringify({ values: now, base, version, title: spec.title }));
    }
    setLeaveGuard(changed() ? () => confirm("Du har ändringar som inte är sparade. Lämna sidan ändå? (Utkastet finns kvar i den här fliken.)") : null);
  };
  const onChange = () => {
    draft = null;
    keep();
  };

  const controls = fields.map((field) =>
    field.rows ? rowsControl(field, values[field.key], onChange) : control(field, values[field.key], onChange),
  );
  /** Puts `value` in `field`'s control; a table of rows is built again. */
  const resetField = (field, value) => {
    if (!field.rows) return writeField(el, field, value);
    const holder = el.querySelector(`[data-field="${CSS.escape(field.key)}"]`);
    if (holder) holder.replaceWith(rowsControl(field, value, onChange));
    return undefined;
  };
  const discard = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: () => {
        sessionStorage.removeItem(key);
        for (const field of fields) resetField(field, base[field.key]);
        draft = null;
        setLeaveGuard(null);
        status.textContent = "Ändringarna är borttagna.";
      },
    },
    "Släng ändringarna",
  );
  const el = h(
    "form",
    { class: "record-form", novalidate: true },
    alert,
    fields.some((f) => f.required) ? h("p", { class: "hint" }, "Fält markerade med * måste fyllas i.") : null,
    controls,
    h(
      "div",
      { class: "actions" },
      preview ? h("button", { type: "button", class: "secondary", onclick: () => showPreview() }, preview.label) : null,
      button,
      discard,
      spec.cancel ? h("a", { href: spec.cancel(context) }, "Tillbaka utan att spara") : null,
    ),
    status,
    previewArea,
  );
  alert.hidden = true;
  if (draft) {
    status.textContent = "Ett osparat utkast från den här fliken är återställt.";
  }

  function clearErrors() {
    alert.hidden = true;
    alert.replaceChildren();
    for (const p of el.querySelectorAll(".field-error")) {
      p.hidden = true;
      p.textContent = "";
    }
    for (const input of el.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    for (const p of el.querySelectorAll(".theirs")) p.remove();
  }

  /** Marks `field`'s control with `message`; returns what to focus. */
  function markField(field, message) {
    const holder = el.querySelector(`[data-field="${CSS.escape(field.key)}"]`);
    if (!holder) return null;
    const box = holder.closest(".field") || holder;
    const p = box.querySelector(".field-error");
    p.replaceChildren(message instanceof Node ? message.cloneNode(true) : message);
    p.hidden = false;
    if (!p.id) p.id = `${holder.id || field.key}-error`;
    const target = holder.matches("input, select, textarea") ? holder : holder.querySelector("input, select, textarea");
    if (target) {
      target.setAttribute("aria-invalid", "true");
      const ids = new Set((target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
      ids.add(p.id);
      target.setAttribute("aria-describedby", [...ids].join(" "));
    }
    return target;
  }

  function showErrors(list, lead) {
    alert.replaceChildren(
      h("p", {}, lead),
      h(
        "ul",
        {},
        list.map(([field, message]) => h("li", {}, field ? h("a", { href: `#${fieldId(field)}` }, field.label, ": ", message) : message)),
      ),
    );
    alert.hidden = false;
    let first = null;
    for (const [field, message] of list) {
      if (!field) continue;
      const target = markField(field, message);
      first = first || target;
    }
    (first || alert).focus();
  }

  function fieldId(field) {
    const holder = el.querySelector(`[data-field="${CSS.escape(field.key)}"]`);
    const target = holder && (holder.matches("input, select, textarea") ? holder : holder.querySelector("input, select, textarea"));
    return target ? target.id : "";
  }

  /** The variables to send: only what changed, for a record being edited. */
  function variables() {
    const now = readAll(el, fields);
    const errors = [];
    const vars = {};
    const given = { ...context, version };
    if (version === undefined) delete given.version;
    // What the page supplies goes where the mutation takes it: an argument,
    // or a field of its input.
    for (const arg of defs.mutations[spec.mutation].args) {
      if (arg.name in given) vars[arg.name] = given[arg.name];
      const input = defs.inputs[arg.type];
      if (!input || arg.list) continue;
      for (const field of input.fields) {
        if (field.name in given) {
          vars[arg.name] = vars[arg.name] || {};
          vars[arg.name][field.name] = given[field.name];
        }
      }
    }
    for (const field of fields) {
      // A patch sends only what changed (an input field left out is kept).
      if (spec.patch && same(now[field.key], base[field.key])) continue;
      const result = field.rows ? parseRows(field, now[field.key]) : parse(field, now[field.key]);
      if (!result.error && field.rows && field.required && !result.value.length) result.error = "Lägg till minst en rad.";
      if (result.error) {
        errors.push([field, result.error]);
        continue;
      }
      if (!spec.patch && (result.value === null || (Array.isArray(result.value) && !result.value.length && !field.required))) continue;
      if (field.parent) {
        vars[field.parent] = vars[field.parent] || {};
        vars[field.parent][field.name] = result.value;
      } else {
        vars[field.name] = result.value;
      }
    }
    for (const arg of defs.mutations[spec.mutation].args) {
      if (defs.inputs[arg.type] && !arg.list && arg.required && !vars[arg.name]) vars[arg.name] = {};
    }
    return { vars, errors, now };
  }

  async function conflict() {
    if (!reload) {
      showErrors([[null, "Någon annan har ändrat detta under tiden. Läs in sidan igen."]], "Inte sparat.");
      return;
    }
    let fresh;
    try {
      fresh = await reload();
    } catch (err) {
      showErrors([[null, err.message]], "Inte sparat.");
      return;
    }
    const theirs = [];
    const now = readAll(el, fields);
    const nextBase = {};
    for (const field of fields) {
      nextBase[field.key] = asText(field, fresh.record[field.name]);
      if (same(nextBase[field.key], base[field.key])) continue;
      theirs.push(field);
      if (same(now[field.key], base[field.key])) {
        // Untouched here: take their value, so saving does not undo it.
        resetField(field, nextBase[field.key]);
      }
    }
    base = nextBase;
    version = fresh.version;
    keep();
    alert.replaceChildren(
      h("p", {}, h("strong", {}, "Någon annan sparade ändringar medan du skrev. "), "Inget av ditt är sparat ännu, och inget av deras är överskrivet."),
      theirs.length
        ? h("p", {}, "Deras värden står under fälten de ändrade. Fält du inte har rört har fått deras värde. Det du skrev finns kvar: tryck Spara för att spara dina värden över deras.")
        : h("p", {}, "De ändrade inget av fälten här. Tryck Spara för att spara dina värden."),
    );
    alert.hidden = false;
    for (const field of theirs) {
      const holder = el.querySelector(`[data-field="${CSS.escape(field.key)}"]`);
      const box = holder && (holder.closest(".field") || holder);
      if (!box) continue;
      const shown = Array.isArray(base[field.key]) ? base[field.key].join(", ") : base[field.key] === "" ? "(tomt)" : field.enumValues ? enumLabel(field.type, base[field.key]) : String(base[field.key]);
      box.append(h("p", { class: "theirs" }, h("span", {}, "Sparat av någon annan: "), h("strong", {}, shown)));
    }
    alert.focus();
  }

  async function showPreview() {
    clearErrors();
    const { vars, errors } = variables();
    if (errors.length) {
      showErrors(errors, "Rätta det här först:");
      return;
    }
    try {
      previewArea.replaceChildren(await preview.run(vars));
    } catch (err) {
      previewArea.replaceChildren();
      showErrors([[null, err instanceof ApiError ? err.message : "Något gick fel i appen."]], "Ingen förhandsvisning.");
    }
  }

  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    clearErrors();
    const { vars, errors } = variables();
    if (errors.length) {
      showErrors(errors, "Formuläret är inte sparat. Rätta det här:");
      return;
    }
    if (spec.patch && fields.every((f) => same(readAll(el, [f])[f.key], base[f.key]))) {
      status.textContent = "Inga ändringar att spara.";
      return;
    }
    sending = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    status.textContent = "Sparar …";
    try {
      const data = await run(spec.operation, vars);
      done = true;
      sessionStorage.removeItem(key);
      setLeaveGuard(null);
      status.textContent = "Sparat.";
      // The page the save leads to says so (main.js shows it once).
      const answer = data[spec.mutation];
      sessionStorage.setItem(RECEIPT, receipt ? receipt(answer) : `${spec.title}: sparat.`);
      await saved(data[spec.mutation]);
    } catch (err) {
      status.textContent = "";
      if (err instanceof ApiError && err.code === "CONFLICT") {
        await conflict();
      } else if (err instanceof ApiError && err.field) {
        const name = err.field.split(".").pop().replace(/\[\d+\]$/, "");
        const field = fields.find((f) => f.key === err.field || f.name === name);
        const text = err.text || err.message;
        showErrors([[field || null, field ? text : h("span", {}, `${err.field}: `, text)]], "Formuläret är inte sparat. Rätta det här:");
      } else if (err instanceof ApiError && err.code === "DSO_RING_INVALID") {
        showErrors([[null, err.message]], "Inte sparat: ändringen skulle inte ge en hel ring.");
      } else {
        showErrors([[null, err instanceof ApiError ? err.message : "Något gick fel i appen."]], "Inte sparat.");
      }
    } finally {
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  if (live && reload) {
    let saving = Promise.resolve();
    follow("RecordChanged", live, (change) => {
      // Its own save is not someone else's; a version this form has (or
      // has taken in) is nothing new.
      if (sending || done || !change || change.version === null || change.version <= version) return;
      saving = saving.then(conflict);
    });
  }
  if (draft) setLeaveGuard(() => confirm("Du har ändringar som inte är sparade. Lämna sidan ändå? (Utkastet finns kvar i den här fliken.)"));
  return el;
}

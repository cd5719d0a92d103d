// Every table of the app out to a spreadsheet: exactly what the page shows
// the person (so nothing their role may not see), as CSV (semicolons and
// decimal commas, as Swedish Excel reads it) and as an Excel workbook whose
// numbers are numbers ("7 938 090 kr" is 7938090, shown with thousands
// separators; "15,2 %" is 15.2). Written here, with no library: a workbook
// is a few XML files in an uncompressed zip.

import { h } from "./dom.js";

/** A cell's text as a number, and the format it was shown in; null for text. */
export function number(text) {
  const m = /^([−-])?(\d{1,3}(?:[\u00a0\u202f ]\d{3})*|\d+)(?:,(\d+))?(?:\s?(kr|%|p\.e\.|år|månader))?$/.exec(text.trim());
  if (!m) return null;
  const digits = m[2].replace(/[\u00a0\u202f ]/g, "");
  const value = Number(`${m[1] ? "-" : ""}${digits}${m[3] ? `.${m[3]}` : ""}`);
  if (!Number.isFinite(value)) return null;
  return { value, decimals: m[3] ? m[3].length : 0, unit: m[4] || "" };
}

/** The table's header row and body rows as the page shows them. */
export function tableData(table) {
  const text = (cell) => cell.textContent.replace(/\s+/g, " ").trim();
  const head = [...table.querySelectorAll("thead tr")].map((tr) => [...tr.children].map(text));
  const body = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map(text));
  return [...head, ...body];
}

export function csv(rows) {
  const cell = (t) => {
    const n = number(t);
    const value = n ? String(n.value).replace(".", ",") : t;
    return /[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  };
  // The byte-order mark tells Excel the file is UTF-8 (å, ä, ö).
  return `\ufeff${rows.map((r) => r.map(cell).join(";")).join("\r\n")}\r\n`;
}

const escape = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function columnName(i) {
  let name = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** The workbook's files: one sheet, numbers as numbers with their formats. */
function workbookFiles(rows, sheetName) {
  // Styles: 0 text, 1 whole numbers "# ##0", 2 one decimal "0,0", 3 kronor, 4 per cent (of 100).
  const style = (n) => (n.unit === "kr" ? 3 : n.unit === "%" ? 4 : n.decimals ? 2 : 1);
  const sheetRows = rows
    .map((r, y) =>
      `<row r="${y + 1}">${r
        .map((t, x) => {
          const ref = `${columnName(x)}${y + 1}`;
          const n = y > 0 ? number(t) : null;
          if (n) return `<c r="${ref}" s="${style(n)}"><v>${n.value}</v></c>`;
          return `<c r="${ref}" t="inlineStr"${y === 0 ? ' s="5"' : ""}><is><t xml:space="preserve">${escape(t)}</t></is></c>`;
        })
        .join("")}</row>`,
    )
    .join("");
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  return [
    ["[Content_Types].xml", `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`],
    ["_rels/.rels", `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    ["xl/workbook.xml", `${xml}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${escape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`],
    ["xl/_rels/workbook.xml.rels", `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`],
    ["xl/styles.xml", `${xml}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="#,##0 &quot;kr&quot;"/><numFmt numFmtId="166" formatCode="0.0 &quot;%&quot;"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="6"><xf/><xf numFmtId="3" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="166" applyNumberFormat="1"/><xf fontId="1" applyFont="1"/></cellXfs></styleSheet>`],
    ["xl/worksheets/sheet1.xml", `${xml}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`],
  ];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An uncompressed zip of `files` ([name, text]). */
function zip(files) {
  const encoder = new TextEncoder();
  const parts = [];
  const central = [];
  let offset = 0;
  const u16 = (n) => [n & 0xff, (n >>> 8) & 0xff];
  const u32 = (n) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  for (const [name, text] of files) {
    const data = encoder.encode(text);
    const path = encoder.encode(name);
    const crc = crc32(data);
    const fields = [...u16(20), ...u16(0x0800), ...u16(0), ...u16(0), ...u16(0x21), ...u32(crc), ...u32(data.length), ...u32(data.length), ...u16(path.length), ...u16(0)];
    const local = new Uint8Array([...u32(0x04034b50), ...fields, ...path]);
    parts.push(local, data);
    central.push(new Uint8Array([...u32(0x02014b50), ...u16(20), ...fields, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...path]));
    offset += local.length + data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array([...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(files.length), ...u16(files.length), ...u32(size), ...u32(offset), ...u16(0)]);
  return new Blob([...parts, ...central, end], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
}

export function xlsx(rows, sheetName) {
  return zip(workbookFiles(rows, sheetName.replace(/[\\/?*[\]:]/g, " ").slice(0, 31) || "Tabell"));
}

/** A file name from the table's name: "Budget" → "budget". */
function fileName(name) {
  return (
    name
      .toLowerCase()
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "tabell"
  );
}

/**
 * The two downloads under a table named `name`: of a table element as the
 * page shows it, or of the rows a function gives (a list that is not a
 * table, such as the catalogue's results).
 */
export function downloads(table, name) {
  const rows = () => (typeof table === "function" ? table() : tableData(table));
  const save = (blob, file) => {
    const a = h("a", { href: URL.createObjectURL(blob), download: file });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  };
  const el = h(
    "p",
    { class: "downloads" },
    "Ladda ner ",
    h("button", { type: "button", class: "link", onclick: () => save(new Blob([csv(rows())], { type: "text/csv;charset=utf-8" }), `${fileName(name)}.csv`) }, "CSV", h("span", { class: "visually-hidden" }, `: ${name}`)),
    " · ",
    h("button", { type: "button", class: "link", onclick: () => save(xlsx(rows(), name), `${fileName(name)}.xlsx`) }, "Excel", h("span", { class: "visually-hidden" }, `: ${name}`)),
  );
  // The rows the buttons save, as they would save them now.
  el.rows = rows;
  return el;
}

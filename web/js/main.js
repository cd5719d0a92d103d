// The app's frame: the header with who is signed in, the menu their role may
// use, and a router that gives every page a shareable URL (reload and
// back/forward keep the state: everything a page shows is in its URL).

import { h, replace } from "./dom.js";
import { run, session, ApiError } from "./api.js";
import { navigate, failure, setLeaveGuard } from "./nav.js";
import { clearDrafts, RECEIPT } from "./forms.js";
import { label } from "./format.js";
import * as catalogue from "./pages/catalogue.js";
import * as insats from "./pages/insats.js";
import * as insatsForm from "./pages/insats-form.js";
import * as forbund from "./pages/forbund.js";
import * as forbundForm from "./pages/forbund-form.js";
import * as report from "./pages/report.js";
import * as financeForm from "./pages/finance-form.js";
import * as indicatorForm from "./pages/indicator-form.js";
import * as dso from "./pages/dso.js";
import * as dsoForm from "./pages/dso-form.js";
import * as comparisons from "./pages/comparisons.js";
import * as comparisonChoice from "./pages/comparison-choice.js";
import * as meetings from "./pages/meetings.js";
import * as meetingForm from "./pages/meeting-form.js";
import * as login from "./pages/login.js";
import * as home from "./pages/home.js";
import * as callback from "./pages/callback.js";
import * as accessibility from "./pages/accessibility.js";
import * as directory from "./pages/directory.js";
import { signOut as signOutEverywhere } from "./oidc.js";
import { follow, stopAll, debounce } from "./live.js";
import { downloads } from "./export.js";

const routes = [
  [/^\/$/, home],
  [/^\/insatser$/, catalogue],
  [/^\/insatser\/(ny)$/, insatsForm],
  [/^\/insatser\/([^/]+)$/, insats],
  [/^\/insatser\/([^/]+)\/([^/]+)$/, insatsForm],
  [/^\/forbund$/, directory],
  [/^\/forbund\/(ny)$/, forbundForm],
  [/^\/forbund\/([^/]+)$/, forbund],
  [/^\/forbund\/([^/]+)\/(redigera|resultat|nyckeltal)$/, forbundForm],
  [/^\/forbund\/([^/]+)\/(rapport)$/, report],
  [/^\/forbund\/([^/]+)\/(budget|budgetrad|publicera)$/, financeForm],
  [/^\/indikatorer\/(ny|riksgenomsnitt)$/, indicatorForm],
  [/^\/indikatorer\/([^/]+)\/(redigera)$/, indicatorForm],
  [/^\/dso$/, dso],
  [/^\/dso\/([^/]+)$/, dsoForm],
  [/^\/comparisons$/, comparisonChoice],
  [/^\/comparisons\/([^/]+)$/, comparisons],
  [/^\/meetings$/, meetings],
  [/^\/meetings\/(ny)$/, meetingForm],
  [/^\/meetings\/([^/]+)\/([^/]+)$/, meetingForm],
  [/^\/login$/, login],
  [/^\/tillganglighet$/, accessibility],
  [/^\/auth\/callback$/, callback],
];

/** Who is signed in, as the API says (`me`), or null. */
let principal = null;

/** Set when a sign-in ran out: the page shows it, then renders as anonymous. */
let lapsed = false;

async function loadPrincipal() {
  principal = null;
  if (session.lapsed()) {
    session.forget();
    lapsed = true;
  }
  // Without a session there is no one to ask about.
  if (!session.active()) return;
  try {
    principal = (await run("Me")).me;
    if (!principal) session.forget();
  } catch (err) {
    if (err instanceof ApiError && err.code === "UNAUTHENTICATED") session.forget();
  }
}

function header() {
  const nav = h(
    "nav",
    { "aria-label": "Huvudmeny" },
    h(
      "ul",
      {},
      principal
        ? h(
            "li",
            {},
            h(
              "a",
              { href: "/", class: "todo-link" },
              "Att göra",
              principal.todo.count ? h("span", { class: "badge" }, h("span", { class: "visually-hidden" }, ", väntar: "), String(principal.todo.count)) : null,
            ),
          )
        : null,
      h("li", {}, h("a", { href: "/insatser" }, "Insatser")),
      h("li", {}, h("a", { href: "/dso" }, "DSO-ringen")),
      h("li", {}, h("a", { href: "/comparisons" }, "Jämförelser")),
      h("li", {}, h("a", { href: "/meetings" }, "Sammanträden")),
      h("li", {}, h("a", { href: "/forbund" }, "Förbund")),
      principal && principal.forbund
        ? h("li", {}, h("a", { href: `/forbund/${principal.forbund.slug}` }, "Vårt förbund"))
        : null,
    ),
  );
  const who = principal
    ? h(
        "div",
        { class: "who" },
        h("span", {}, principal.sub || "Inloggad"),
        h(
          "span",
          { class: "roles" },
          principal.roles.map((r) => label("role", r)).join(", ") || "ingen roll",
          principal.forbund ? ` · ${principal.forbund.name}` : "",
        ),
        h("button", { type: "button", onclick: signOut }, "Logga ut"),
      )
    : h("div", { class: "who" }, h("a", { href: `/login?back=${encodeURIComponent(location.pathname + location.search)}`, class: "button" }, "Logga in"));
  return h("div", { class: "bar" }, h("a", { href: "/", class: "brand" }, "finsam"), nav, who);
}

async function signOut() {
  principal = null;
  clearDrafts();
  await session.signOut();
  // At the provider too, when signed in through one (it sends us back).
  if (!signOutEverywhere()) render();
}

let rendering = 0;

export async function render() {
  const ticket = ++rendering;
  // A page's form sets its own guard again; a draft stays in the tab.
  setLeaveGuard(null);
  // What the last page followed ends with it.
  stopAll();
  await loadPrincipal();
  if (ticket !== rendering) return;
  replace(document.querySelector("header"), header());
  const main = document.querySelector("main");
  const match = routes.map(([pattern, page]) => [location.pathname.match(pattern), page]).find(([m]) => m);
  if (!match) {
    replace(main, h("h1", {}, "Sidan finns inte"), h("p", {}, h("a", { href: "/" }, "Till startsidan")));
    document.title = "Sidan finns inte – finsam";
    return;
  }
  const [m, page] = match;
  replace(main, h("p", { class: "loading", role: "status" }, "Hämtar …"));
  const notice = lapsed
    ? h(
        "p",
        { class: "message", role: "status" },
        "Din inloggning har gått ut, så sidan visas som för allmänheten. ",
        h("a", { href: `/login?back=${encodeURIComponent(location.pathname + location.search)}` }, "Logga in igen"),
      )
    : null;
  lapsed = false;
  // A save just made says so on the page it led to, once.
  const saved = sessionStorage.getItem(RECEIPT);
  sessionStorage.removeItem(RECEIPT);
  const receipt = saved ? h("p", { class: "message receipt", role: "status" }, saved) : null;
  const context = {
    params: m.slice(1).map(decodeURIComponent),
    query: new URLSearchParams(location.search),
    principal,
  };
  try {
    const content = await page.render(context);
    if (ticket !== rendering) return;
    replace(main, notice, receipt, content);
    scrollable(main);
    document.title = `${page.title ? page.title(content) : "finsam"} – finsam`;
    // A page that shows what others change is drawn again as they change
    // it (the subscriptions it names, `live`).
    if (page.live) {
      const refresh = debounce(() => refreshPage(ticket, page, context));
      for (const [name, variables] of page.live(context)) follow(name, variables, refresh);
    }
  } catch (err) {
    if (ticket !== rendering) return;
    replace(main, failure(err, Boolean(principal)));
  }
  main.focus({ preventScroll: true });
}

/**
 * Draws the page again in place after a change landed: where the reader
 * was (scroll and focus) is kept, and a status line says what happened.
 */
async function refreshPage(ticket, page, context) {
  if (ticket !== rendering) return;
  let content;
  try {
    content = await page.render(context);
  } catch {
    return;
  }
  if (ticket !== rendering) return;
  const main = document.querySelector("main");
  const focused = document.activeElement && document.activeElement.id;
  const y = window.scrollY;
  const at = new Date().toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" });
  replace(main, h("p", { class: "live-note", role: "status" }, `Uppdaterad ${at}: någon sparade en ändring.`), content);
  scrollable(main);
  window.scrollTo(0, y);
  if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
}

/**
 * Every table in a region that scrolls sideways on a narrow screen, and that
 * the keyboard can reach and scroll (WCAG 2.1.1): focusable, named by the
 * table's caption or the heading before it.
 */
function scrollable(root) {
  for (const table of root.querySelectorAll("table")) {
    let region = table.parentElement.closest(".scroll");
    if (!region) {
      region = h("div", { class: "scroll" });
      table.replaceWith(region);
      region.append(table);
    }
    if (region.hasAttribute("tabindex")) continue;
    let heading = region.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    const caption = table.querySelector("caption");
    const name = (caption && caption.textContent) || (heading && heading.textContent) || document.querySelector("h1")?.textContent || "Tabell";
    region.setAttribute("tabindex", "0");
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", name.trim());
    // What the page shows, out to a spreadsheet (not a form's own rows).
    if (!region.closest("form") && table.tBodies.length && table.tBodies[0].rows.length) {
      region.after(downloads(table, name.trim()));
    }
  }
}

// Links inside the app change the page without a reload.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  // A file to download (a report's PDF) is the browser's to fetch.
  if (!link || link.target || link.hasAttribute("download") || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/graphql") || url.pathname.startsWith("/app/")) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener("popstate", render);
window.addEventListener("finsam:navigate", render);
// Signing in or out in another tab counts here too.
window.addEventListener("storage", (event) => {
  if (event.key === "finsam.session") render();
});
render();

// Moving between pages: a new URL (a history entry, or the current one
// replaced), announced to the frame, which renders the page for it.

import { h } from "./dom.js";
import { ApiError } from "./api.js";

/** Asked before the page is left; a form with unsaved changes sets it. */
let leaveGuard = null;

export function setLeaveGuard(guard) {
  leaveGuard = guard;
}

/** Whether the page may be left now (asks the form that has changes). */
export function mayLeave() {
  if (!leaveGuard || leaveGuard()) {
    leaveGuard = null;
    return true;
  }
  return false;
}

window.addEventListener("beforeunload", (event) => {
  if (leaveGuard) event.preventDefault();
});

/** Goes to `url` inside the app, as a new history entry unless `replace`. */
export function navigate(url, { replace = false, force = false } = {}) {
  if (!force && !mayLeave()) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.dispatchEvent(new Event("finsam:navigate"));
}

/** Updates the query string of the current page without a new entry or a new render. */
export function setQuery(params) {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  history.replaceState(null, "", url.pathname + url.search);
}

/**
 * `path` as a page of this app, or "/": it is read as a URL relative to this
 * origin, and anything that lands elsewhere ("//evil.example",
 * "/\\evil.example", "https://…") or fails to parse is not one.
 */
export function appPath(path) {
  try {
    const url = new URL(path || "/", location.origin);
    // `/.//evil.example` resolves to the path `//evil.example`, which a
    // browser reads as another host: a path of this app starts with one `/`.
    if (url.origin !== location.origin || /^[/\\]{2}/.test(url.pathname)) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

/** The current page, for "back where you were" after signing in. */
export function here() {
  return location.pathname + location.search;
}

/**
 * A refusal or a failure, shown as a message with what to do next: a role
 * that may, or — for one not signed in who finds nothing where a private
 * record may be (a link opened in a new tab) — signing in.
 */
export function failure(err, signedIn = true) {
  const message = err instanceof ApiError ? err.message : "Något gick fel i appen.";
  const login = (text) => h("p", {}, h("a", { href: `/login?back=${encodeURIComponent(here())}` }, text));
  let next = null;
  if (err instanceof ApiError && (err.code === "FORBIDDEN" || err.code === "UNAUTHENTICATED")) {
    next = login(signedIn ? "Logga in med en annan roll" : "Logga in");
  } else if (err instanceof ApiError && err.code === "NOT_FOUND" && !signedIn) {
    next = login("Logga in, om det du söker bara visas för inloggade");
  }
  return h("div", { class: "message error", role: "alert" }, h("p", {}, message), next);
}

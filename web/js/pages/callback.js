// /auth/callback: where the identity provider sends the browser back; the
// code is exchanged for tokens and the person returns to their page.

import { h } from "../dom.js";
import { finish } from "../oidc.js";
import { appPath, navigate } from "../nav.js";

export const title = () => "Loggar in";

export async function render({ query }) {
  // The code and state leave the address bar (and the history) first, before
  // anything below can fail and leave them there.
  history.replaceState(null, "", "/auth/callback");
  try {
    const back = appPath(await finish(query));
    setTimeout(() => navigate(back, { replace: true }), 0);
    return h("p", { role: "status" }, "Inloggad. Du skickas tillbaka …");
  } catch (err) {
    return h("div", { class: "message error", role: "alert" }, h("p", {}, err.message), h("p", {}, h("a", { href: "/login" }, "Försök igen")));
  }
}

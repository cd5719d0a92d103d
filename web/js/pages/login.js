// Signing in: through a förbund's identity provider (one per förbund, by
// name, as the server lists them), or — while the server accepts
// development tokens — by pasting one from `finsam token`. Either token
// becomes the server's session cookie (HttpOnly: no script keeps it), so
// every tab is signed in; never in a URL.

import { h } from "../dom.js";
import { session, ApiError } from "../api.js";
import { appPath, navigate } from "../nav.js";
import { label } from "../format.js";
import { providers, signIn } from "../oidc.js";

export const title = () => "Logga in";

/** Where to go after signing in: a path inside the app, never elsewhere. */
function back(query) {
  return appPath(query.get("back"));
}

export async function render({ query, principal }) {
  const status = h("p", { role: "status", class: "form-status" });
  const field = h("textarea", { id: "token", name: "token", rows: 4, required: true, autocomplete: "off", spellcheck: "false" });
  const form = h(
    "form",
    {
      class: "login",
      onsubmit: async (event) => {
        event.preventDefault();
        const token = field.value.trim();
        if (!token) return;
        try {
          await session.signIn(token);
          navigate(back(query), { replace: true });
        } catch (err) {
          session.forget();
          status.textContent = err instanceof ApiError ? err.message : "Inloggningen misslyckades.";
          status.className = "form-status error";
        }
      },
    },
    h("label", { for: "token" }, "Utvecklingstoken"),
    h("p", { class: "hint", id: "token-hint" }, "Skapa en med ", h("code", {}, "finsam token --role editor --forbund varend"), " och klistra in den här."),
    field,
    h("button", { type: "submit" }, "Logga in"),
    status,
  );
  field.setAttribute("aria-describedby", "token-hint");
  const offered = await providers();
  const choices = offered.providers.map((p) =>
    h(
      "li",
      {},
      p.authorizationEndpoint
        ? h("button", { type: "button", class: "provider", onclick: () => signIn(p, back(query)) }, `Logga in via ${p.name}`)
        : h("span", {}, `${p.name}: inloggningen svarar inte just nu`),
    ),
  );
  return h(
    "section",
    {},
    h("h1", {}, "Logga in"),
    principal
      ? h("p", { class: "message" }, `Du är inloggad som ${principal.sub} (${principal.roles.map((r) => label("role", r)).join(", ")}).`)
      : null,
    choices.length ? [h("p", {}, "Välj ditt förbunds inloggning:"), h("ul", { class: "providers" }, choices)] : null,
    offered.devTokens ? [choices.length ? h("h2", {}, "Utvecklingstoken") : null, form] : null,
    !choices.length && !offered.devTokens ? h("p", {}, "Ingen inloggning är konfigurerad.") : null,
  );
}

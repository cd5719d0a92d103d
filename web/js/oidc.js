// Signing in through a förbund's identity provider: OpenID Connect
// Authorization Code with PKCE as a public client (no secret in the
// browser). `state` and `nonce` are checked, the access token becomes the
// server's session cookie (no script keeps it), and signing out ends the
// session at the provider too.

import { session } from "./api.js";

const FLOW_KEY = "finsam.oidc.flow";
const PROVIDER_KEY = "finsam.oidc.provider";
const ID_TOKEN_KEY = "finsam.oidc.idToken";

function random(bytes = 32) {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(data);
}

function base64url(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function challenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri() {
  return `${location.origin}/auth/callback`;
}

/** The payload of a JWT (not verified here: the API verifies every token). */
export function claims(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch {
    return null;
  }
}

/** The providers the server offers, and whether tokens may be pasted. */
export async function providers() {
  const response = await fetch("/auth/providers");
  if (!response.ok) return { devTokens: false, providers: [] };
  return response.json();
}

/** Starts signing in at `provider`; comes back to `back` afterwards. */
export async function signIn(provider, back) {
  const verifier = random(48);
  const flow = { state: random(), nonce: random(), verifier, back, provider };
  sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));
  const url = new URL(provider.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: provider.clientId,
    redirect_uri: redirectUri(),
    scope: "openid profile",
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await challenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** Finishes signing in on /auth/callback: where to go next. */
export async function finish(query) {
  const flow = JSON.parse(sessionStorage.getItem(FLOW_KEY) || "null");
  sessionStorage.removeItem(FLOW_KEY);
  if (!flow) throw new Error("Ingen inloggning pågår i den här fliken.");
  if (query.get("error")) throw new Error(`Inloggningen avbröts: ${query.get("error_description") || query.get("error")}`);
  if (query.get("state") !== flow.state) throw new Error("Svaret hör inte till den här inloggningen (state).");
  const response = await fetch(flow.provider.tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: query.get("code") || "",
      redirect_uri: redirectUri(),
      client_id: flow.provider.clientId,
      code_verifier: flow.verifier,
    }),
  });
  const tokens = await response.json();
  if (!response.ok || !tokens.access_token) throw new Error(`Inloggningen misslyckades: ${tokens.error_description || tokens.error || response.status}`);
  const id = tokens.id_token ? claims(tokens.id_token) : null;
  if (!id || id.nonce !== flow.nonce) throw new Error("Svaret hör inte till den här inloggningen (nonce).");
  await session.signIn(tokens.access_token);
  // For signing out at the provider from any tab.
  localStorage.setItem(ID_TOKEN_KEY, tokens.id_token);
  localStorage.setItem(PROVIDER_KEY, JSON.stringify(flow.provider));
  return flow.back || "/";
}

/** Signs out here, and at the provider when signed in through one. */
export function signOut() {
  const provider = JSON.parse(localStorage.getItem(PROVIDER_KEY) || "null");
  const idToken = localStorage.getItem(ID_TOKEN_KEY);
  localStorage.removeItem(PROVIDER_KEY);
  localStorage.removeItem(ID_TOKEN_KEY);
  if (provider && provider.endSessionEndpoint) {
    const url = new URL(provider.endSessionEndpoint);
    url.search = new URLSearchParams({
      client_id: provider.clientId,
      post_logout_redirect_uri: `${location.origin}/`,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).toString();
    location.assign(url.toString());
    return true;
  }
  return false;
}

// A real OpenID Connect provider for the tests: node-oidc-provider (a
// certified implementation) with this project's test users and a public
// client for the web app (Authorization Code with PKCE). Two run at once in
// the tests: one bound to Värend, one national. The tests also need what a
// provider's admin does by hand, so a few /test/ routes beside the provider
// rotate its signing key, mint access tokens with its own keys (for the
// refusal cases), and count how often its key set was fetched.
//
//   OIDC_MODULES=/path/to/node_modules node provider.mjs --port 4001 --realm varend --app http://127.0.0.1:8080
//
// With --tls-cert and --tls-key (PEM files) it serves HTTPS, as a provider
// behind a förbund's own CA does.
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import path from "node:path";

const modules = process.env.OIDC_MODULES || path.join(process.cwd(), "node_modules");
const load = (name, file) => import(pathToFileURL(path.join(modules, name, file)).href);
const { default: Provider } = await load("oidc-provider", "lib/index.js");
const jose = await load("jose", "dist/webapi/index.js").catch(() => load("jose", "dist/node/esm/index.js"));

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port);
const realm = args.realm;
const apps = (args.app || "").split(",").filter(Boolean);
const tls = args["tls-cert"] ? { cert: readFileSync(args["tls-cert"]), key: readFileSync(args["tls-key"]) } : null;
const issuer = `${tls ? "https" : "http"}://127.0.0.1:${port}`;

// The test users of each provider: who they are in finsam-graph's terms.
const USERS = {
  varend: {
    "editor-varend": { name: "Redaktör Värend", roles: ["editor"], forbund: "varend" },
    "member-varend": { name: "Medlem Värend", roles: ["member"], forbund: "varend" },
    // Claims what Värend's provider may not grant.
    "overreach": { name: "Överträdare", roles: ["editor", "network_admin"], forbund: "vasteras" },
  },
  national: {
    analyst: { name: "Analytiker", roles: ["analyst"] },
    "dso-vasteras": { name: "Dataskyddsombud Västerås", roles: ["dso"], forbund: "vasteras" },
  },
}[realm];
if (!USERS) throw new Error(`unknown realm ${realm}`);

async function newKey() {
  const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: "RS256", use: "sig" };
}

let keys = [await newKey()];
let jwksFetches = 0;

function makeProvider() {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "finsam-web",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: apps.map((a) => `${a}/auth/callback`),
        post_logout_redirect_uris: apps.map((a) => `${a}/`),
      },
    ],
    jwks: { keys },
    cookies: { keys: ["finsam-test-cookie-key"] },
    pkce: { required: () => true },
    clientBasedCORS: () => true,
    findAccount: (ctx, id) =>
      USERS[id] ? { accountId: id, claims: () => ({ sub: id, name: USERS[id].name }) } : undefined,
    claims: { openid: ["sub"], profile: ["name"] },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => "urn:finsam-graph",
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "openid profile",
          audience: "finsam-graph",
          accessTokenTTL: 600,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    // First-party app: no consent screen (the provider's documented recipe).
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!ctx.oidc.session.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid profile");
      grant.addResourceScope("urn:finsam-graph", "openid profile");
      await grant.save();
      return grant;
    },
    async extraTokenClaims(ctx, token) {
      const user = USERS[token.accountId];
      return user ? { roles: user.roles, forbund: user.forbund } : undefined;
    },
  });
  provider.proxy = false;
  provider.on("server_error", (ctx, err) => console.error("provider error:", err));
  return provider;
}

let provider = makeProvider();

async function body(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

const handle = async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === "/jwks") jwksFetches += 1;
  if (!url.pathname.startsWith("/test/")) return provider.callback()(req, res);
  res.setHeader("content-type", "application/json");
  try {
    if (url.pathname === "/test/jwks-fetches") {
      return res.end(JSON.stringify({ fetches: jwksFetches }));
    }
    if (url.pathname === "/test/rotate" && req.method === "POST") {
      // A new signing key first, the old one still published.
      keys = [await newKey(), keys[0]];
      provider = makeProvider();
      return res.end(JSON.stringify({ kid: keys[0].kid }));
    }
    if (url.pathname === "/test/token" && req.method === "POST") {
      const want = await body(req);
      const user = USERS[want.sub] || {};
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: want.sub,
        roles: user.roles,
        forbund: user.forbund,
        ...(want.claims || {}),
      };
      const key = await jose.importJWK(keys[0], "RS256");
      const jwt = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: want.kid || keys[0].kid, typ: "at+jwt" })
        .setIssuer(want.iss || issuer)
        .setAudience(want.aud || ["finsam-graph", "account"])
        .setIssuedAt(now)
        .setExpirationTime(want.exp || now + 600)
        .sign(key);
      return res.end(JSON.stringify({ token: jwt, kid: keys[0].kid, publicKey: { ...keys[0], d: undefined, p: undefined, q: undefined, dp: undefined, dq: undefined, qi: undefined } }));
    }
    res.statusCode = 404;
    res.end("{}");
  } catch (err) {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: String(err) }));
  }
};
const server = tls ? createTlsServer(tls, handle) : createServer(handle);
server.listen(port, "127.0.0.1", () => console.log(`oidc provider ${realm} on ${issuer}`));

// A real OpenID Connect provider for PutRight's single sign-on tests (oidc-provider, a certified
// implementation), on 127.0.0.1. Started by tests/oidc_provider.py; never part of PutRight.
//
//   node tests/oidc/server.js PORT
//
// CLIENTS (JSON: [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]) comes
// from the environment. Its own sign-in page (/interaction/UID) takes a username and password
// from ACCOUNTS below; an account with `mfa` signs in with amr ["pwd", "otp", "mfa"], as Entra ID
// or Keycloak report a sign-in with a second factor, and the others with amr ["pwd"].
import http from "node:http";
import Provider from "oidc-provider";

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS || "[]");

const ACCOUNTS = {
  amina: { password: "amina-secret", name: "Amina Khan", email: "amina.khan@landlord.example", groups: ["putright-managers", "all-staff"], mfa: true },
  ben: { password: "ben-secret", name: "Ben Okafor", email: "ben.okafor@landlord.example", groups: ["putright-handlers"], mfa: false },
  carol: { password: "carol-secret", name: "Carol Price", email: "carol.price@landlord.example", groups: ["finance", "all-staff"], mfa: false },
  dev: { password: "dev-secret", name: "Dev Patel", email: "dev.patel@landlord.example", groups: ["putright-administrators"], mfa: false },
  morgan: { password: "morgan-secret", name: "Morgan Reid", email: "morgan.reid@landlord.example", groups: ["putright-administrators"], mfa: true },
  // The complaints mailbox's own account, for XOAUTH2 to Dovecot (putright/mailbox/tests).
  complaints: { password: "complaints-secret", name: "Complaints mailbox", email: "complaints@landlord.example", groups: [], mfa: false },
  olu: { password: "olu-secret", name: "Olu Adebayo", email: "olu.adebayo@landlord.example", groups: [], mfa: false },
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, error) {
  return page("Landlord sign-in", `${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="login">Username</label> <input id="login" name="login" autocomplete="username">
  <label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>`);
}

const provider = new Provider(issuer, {
  clients: clients.map((c) => ({ grant_types: ["authorization_code"], response_types: ["code"], ...c })),
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id, name: account.name, preferred_username: id, email: account.email, email_verified: true,
          groups: account.groups,
        };
      },
    };
  },
  claims: {
    // amr and acr with every ID token (as Entra ID, Keycloak do): how the person signed in.
    openid: ["sub", "amr", "acr", "auth_time"],
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  // The landlord's own application: no consent screen (as an organisation's provider does for
  // an application it registered itself).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile groups");
    grant.addOIDCClaims(["email", "email_verified", "name", "preferred_username", "groups"]);
    await grant.save();
    ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId, grant.jti);
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page("Sign out of the landlord's account?", `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page("Signed out", "<p>You are signed out of the landlord's account.</p>");
      },
    },
  },
  pkce: { required: () => true },
  cookies: { keys: ["putright-test-provider-cookie-key"] },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});
provider.proxy = false;

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

const callback = provider.callback();

http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      return res.end(loginForm(details.uid));
    }
    const form = await readForm(req);
    const account = ACCOUNTS[form.login];
    if (!account || account.password !== form.password) {
      res.statusCode = 200;
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      return res.end(loginForm(details.uid, "Wrong username or password."));
    }
    const amr = account.mfa ? ["pwd", "otp", "mfa"] : ["pwd"];
    await provider.interactionFinished(req, res, { login: { accountId: form.login, amr } }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.statusCode = 400;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end(`interaction failed: ${err.message}`);
  }
}).listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${issuer}\n`);
});

// A real OpenID Connect provider for tests (oidc-provider, https://github.com/panva/node-oidc-provider) on
// 127.0.0.1: one confidential client, PKCE required, its development login and consent forms (any password),
// accounts whose email and `groups` claim the test sets before each sign-in.
import http from "node:http";
import Provider from "oidc-provider";

export interface TestAccount { email: string; name: string; groups: string[]; emailVerified?: boolean }

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** sub → account; change `groups` between sign-ins */
  accounts: Map<string, TestAccount>;
  stop(): Promise<void>;
}

export async function startOidcProvider(o: { port: number; redirectUri: string; clientSecret?: string }): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${o.port}`;
  const clientId = "signalbox-console";
  const clientSecret = o.clientSecret ?? "provider-client-secret-" + Math.random().toString(36).slice(2);
  const accounts = new Map<string, TestAccount>();
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [o.redirectUri], grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" }],
    pkce: { required: () => true },
    cookies: { keys: ["oidc-test-cookie-key"] },
    scopes: ["openid", "email", "profile", "groups"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return { accountId: sub, claims: () => ({ sub, email: a.email, email_verified: a.emailVerified ?? true, name: a.name, groups: a.groups }) };
    },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, "127.0.0.1", () => resolve());
  });
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

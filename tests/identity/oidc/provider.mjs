// A real OpenID Connect provider for Pramern's identity tests: panva's certified oidc-provider,
// started by tests/identity/oidc_provider.py on 127.0.0.1. Never deployed.
//
// Environment: PORT (required); OIDC_ACCOUNTS (a JSON file: subject -> claims);
// OIDC_CLIENT_SECRET; OIDC_SHORT_CODE_TTL (seconds an authorization code of the client
// "pramern-short" lives, for the expired-code test; the client "pramern" keeps 60 s).
// People log in through the provider's own development pages (devInteractions): any password,
// the login is the account's subject.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const secret = process.env.OIDC_CLIENT_SECRET || 'pramern-test-secret';
const shortCodeTtl = Number(process.env.OIDC_SHORT_CODE_TTL || 1);
const accounts = process.env.OIDC_ACCOUNTS ? JSON.parse(readFileSync(process.env.OIDC_ACCOUNTS, 'utf8')) : {};

// A fresh RSA key per run: ID tokens are signed RS256 and the client checks them against /jwks.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = { ...privateKey.export({ format: 'jwk' }), kid: `test-${Date.now()}`, use: 'sig', alg: 'RS256' };

// Pramern's test client and the live server run on ports chosen at run time: any callback of
// this path on a loopback or test-client host is accepted (a real provider lists exact URIs).
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', 'testserver']);
function localAt(pathname) {
  return (value) => {
    const url = URL.parse(value);
    return Boolean(url) && url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname) && url.pathname === pathname;
  };
}

const client = (clientId) => ({
  client_id: clientId,
  client_secret: secret,
  client_name: 'Pramern',
  redirect_uris: ['http://testserver/oidc/callback/'],
  post_logout_redirect_uris: ['http://testserver/login/'],
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code'],
  response_types: ['code'],
});

const provider = new Provider(issuer, {
  clients: [client('pramern'), client('pramern-short')],
  jwks: { keys: [key] },
  pkce: { required: () => true }, // every authorization request must carry an S256 challenge
  scopes: ['openid', 'email', 'profile', 'pid'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    pid: ['pid'], // ThaiD's citizen ID
  },
  ttl: {
    AuthorizationCode: (ctx, code, client) => (client.clientId === 'pramern-short' ? shortCodeTtl : 60),
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['pramern-test-cookie-key'] },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { ...claims }; } };
  },
});
provider.Client.prototype.redirectUriAllowed = localAt('/oidc/callback/');
provider.Client.prototype.postLogoutRedirectUriAllowed = localAt('/login/');

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening at ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

// An independent OAuth 2.0 / OpenID Connect server (the npm package oidc-provider, written by
// people who are not us) configured with Entra's paths, so Keyway's sign-in engine can be
// checked against a server it was not written for.
//
//   node tests/peer/oidc-provider.mjs CERT_PEM_PATH
// prints {"url": "http://127.0.0.1:PORT"} and serves until killed.

import Provider from 'oidc-provider';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const PBI = 'https://analysis.windows.net/powerbi/api';
const SCOPES = [`${PBI}/.default`, `${PBI}/Workspace.Read.All`, `${PBI}/Report.Read.All`].join(' ');
const TENANT = '/contoso.onmicrosoft.com';
export const CLIENTS = {
  post: 'c0c0c0c0-0000-4000-8000-000000000001',
  basic: 'c0c0c0c0-0000-4000-8000-000000000002',
  jwt: 'c0c0c0c0-0000-4000-8000-000000000003',
  native: 'c0c0c0c0-0000-4000-8000-000000000004',
};
export const SECRET = 'Peer8Q~independent.secret-value_0123456789';

const certPem = readFileSync(process.argv[2], 'utf8');
const jwk = { ...crypto.createPublicKey(certPem).export({ format: 'jwk' }), use: 'sig' };

// The issuer must carry the port, so find one first.
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    { client_id: CLIENTS.post, client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [],
      response_types: [], token_endpoint_auth_method: 'client_secret_post' },
    { client_id: CLIENTS.basic, client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [],
      response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: CLIENTS.jwt, grant_types: ['client_credentials'], redirect_uris: [], response_types: [],
      token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
    { client_id: CLIENTS.native, application_type: 'native', token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'], redirect_uris: ['http://127.0.0.1/callback'] },
  ],
  routes: {
    authorization: `${TENANT}/oauth2/v2.0/authorize`,
    token: `${TENANT}/oauth2/v2.0/token`,
    device_authorization: `${TENANT}/oauth2/v2.0/devicecode`,
    code_verification: '/devicelogin',
    jwks: `${TENANT}/discovery/v2.0/keys`,
  },
  scopes: ['openid', 'profile', 'offline_access', ...SCOPES.split(' ')],
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => PBI,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: SCOPES, accessTokenFormat: 'jwt', audience: PBI }),
    },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'PS256'] },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, name: sub, preferred_username: sub }) }),
});
server.on('request', provider.callback());
console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, clients: CLIENTS, secret: SECRET }));

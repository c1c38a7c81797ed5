// Runs one sign-in with the official @azure/msal-node against fakecloud and prints the outcome as
// JSON. Started by msal-node.test.mjs with NODE_EXTRA_CA_CERTS set to fakecloud's test CA,
// which Node reads only at start-up.
//   node msal-node-client.mjs SCENARIO '{"authority": ..., ...}'

import * as msal from '@azure/msal-node';
import crypto from 'node:crypto';

const [scenario, argText] = process.argv.slice(2);
const args = JSON.parse(argText);
const host = new URL(args.authority).host;
const auth = { clientId: args.clientId, authority: args.authority, knownAuthorities: [host] };
const PBI = 'https://analysis.windows.net/powerbi/api';

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

async function control(path, body) {
  const res = await fetch(`${args.base}/_fakecloud/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return res.json();
}

async function run() {
  switch (scenario) {
    case 'secret':
    case 'wrong-secret': {
      const app = new msal.ConfidentialClientApplication({ auth: { ...auth, clientSecret: args.secret } });
      const r = await app.acquireTokenByClientCredential({ scopes: [`${PBI}/.default`] });
      return { claims: claims(r.accessToken), expiresOn: r.expiresOn };
    }
    case 'certificate': {
      const app = new msal.ConfidentialClientApplication({ auth: { ...auth,
        clientCertificate: { thumbprintSha256: args.thumbprintSha256, privateKey: args.privateKey } } });
      const r = await app.acquireTokenByClientCredential({ scopes: [`${PBI}/.default`] });
      return { claims: claims(r.accessToken) };
    }
    case 'device-code': {
      const app = new msal.PublicClientApplication({ auth });
      let seen;
      const r = await app.acquireTokenByDeviceCode({
        scopes: [`${PBI}/Workspace.Read.All`],
        deviceCodeCallback: (info) => {
          seen = info;
          // The person signs in a moment later, after a poll or two found it pending.
          setTimeout(() => control('device/approve', { user_code: info.userCode, upn: 'ada@contoso.com' }), 1500);
        },
      });
      const again = await app.acquireTokenSilent({ account: r.account, scopes: [`${PBI}/Workspace.Read.All`], forceRefresh: true });
      return { claims: claims(r.accessToken), userCode: seen.userCode, refreshed: again.accessToken !== r.accessToken,
        refreshedClaims: claims(again.accessToken) };
    }
    case 'auth-code': {
      const app = new msal.PublicClientApplication({ auth });
      const verifier = crypto.randomBytes(32).toString('base64url');
      const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
      const state = crypto.randomUUID();
      const redirectUri = 'http://localhost:53111';
      const url = await app.getAuthCodeUrl({ scopes: [`${PBI}/Report.Read.All`], redirectUri,
        codeChallenge: challenge, codeChallengeMethod: 'S256', state });
      await fetch(url, { redirect: 'manual' }); // the browser opens the sign-in page
      const approved = await control('authorize/approve', { state, upn: 'ada@contoso.com' });
      const back = new URL(approved.location);
      if (back.searchParams.get('state') !== state) throw new Error('state changed');
      const r = await app.acquireTokenByCode({ code: back.searchParams.get('code'), redirectUri,
        scopes: [`${PBI}/Report.Read.All`], codeVerifier: verifier });
      return { claims: claims(r.accessToken), query: Object.fromEntries(new URL(url).searchParams) };
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

try {
  console.log(JSON.stringify({ ok: true, ...(await run()) }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, errorCode: err.errorCode, subError: err.subError,
    errorMessage: err.errorMessage || String(err), correlationId: err.correlationId }));
}

// The official @azure/msal-node signs in against fakecloud over HTTPS, in every grant it still
// supports, and fakecloud's request log shows the requests Entra would have seen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const CONTOSO = 'contoso.onmicrosoft.com';
const EMBED = '11111111-1111-4111-8111-111111111111';
const DESKTOP = '33333333-3333-4333-8333-333333333333';
let cloud;
let fc;

before(async () => {
  const bin = process.env.FAKECLOUD_BIN || path.join(ROOT, 'target', 'debug', 'fakecloud');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fakecloud-'));
  const ca = path.join(dir, 'ca.pem');
  fc = spawn(bin, ['--ca-out', ca], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: fc.stdout }).once('line', resolve);
    fc.once('exit', (code) => reject(new Error(`fakecloud exited ${code}`)));
  });
  cloud = JSON.parse(line);
  process.env.NODE_EXTRA_CA_CERTS = ca; // for this process's own fetch of the request log
});
after(() => fc?.kill());

async function requests() {
  // This process did not start with the CA, so ask over plain HTTP (same emulator, same log).
  const res = await fetch(`${cloud.http}/_fakecloud/requests`);
  return res.json();
}
async function clear() {
  await fetch(`${cloud.http}/_fakecloud/requests`, { method: 'DELETE' });
}
async function control(p, body) {
  await fetch(`${cloud.http}/_fakecloud/${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function client(scenario, args) {
  const out = execFileSync(process.execPath, [path.join(HERE, 'msal-node-client.mjs'), scenario,
    JSON.stringify({ authority: `${cloud.https}/${CONTOSO}`, base: cloud.https, ...args })], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: cloud.ca }, encoding: 'utf8', timeout: 60000,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const tokenCalls = (log) => log.filter((r) => r.path.endsWith('/token'));

test('client secret', async () => {
  await clear();
  const r = client('secret', { clientId: EMBED, secret: 'Emb8Q~current.secret-value_0123456789abcdef' });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.claims.appid, EMBED);
  assert.equal(r.claims.aud, 'https://analysis.windows.net/powerbi/api');
  const log = await requests();
  assert.ok(log.some((q) => q.path === `/${CONTOSO}/v2.0/.well-known/openid-configuration`), 'discovery first');
  const [token] = tokenCalls(log);
  assert.equal(token.grant_type, 'client_credentials');
  assert.ok(token.form_keys.includes('client_secret'));
});

test('a Secret ID where the value belongs gets AADSTS7000215', () => {
  const r = client('wrong-secret', { clientId: EMBED, secret: '5ec1d000-0000-4000-8000-000000000001' });
  assert.equal(r.ok, false);
  assert.equal(r.errorCode, 'invalid_client');
  assert.match(r.errorMessage, /AADSTS7000215/);
});

test('certificate, PS256 with an x5t#S256 header', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cert-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '30', '-subj', '/CN=keyway-msal-node'], { stdio: 'ignore' });
  const pem = readFileSync(cert, 'utf8');
  await control(`tenants/${CONTOSO}/apps/${EMBED}/certificates`, { pem });
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const { createHash } = await import('node:crypto');
  const thumbprintSha256 = createHash('sha256').update(der).digest('hex');
  await clear();
  const r = client('certificate', { clientId: EMBED, thumbprintSha256, privateKey: readFileSync(key, 'utf8') });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.claims.appidacr, '2');
  const [token] = tokenCalls(await requests());
  assert.ok(token.form_keys.includes('client_assertion'));
});

test('device code: pending polls, then the person approves, then a silent refresh', async () => {
  await control('device/settings', { interval: 1 });
  await clear();
  const r = client('device-code', { clientId: DESKTOP });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.claims.upn, 'ada@contoso.com');
  assert.equal(r.refreshed, true);
  assert.equal(r.refreshedClaims.scp, 'Workspace.Read.All');
  const log = await requests();
  assert.ok(log.some((q) => q.path === `/${CONTOSO}/oauth2/v2.0/devicecode`));
  const polls = tokenCalls(log).filter((q) => q.grant_type !== 'refresh_token');
  assert.equal(polls[0].status, 400, 'authorization_pending first');
  const last = polls[polls.length - 1];
  assert.equal(last.status, 200);
  assert.equal(last.grant_type, 'device_code', 'msal-node sends the short grant type');
  assert.ok(last.form_keys.includes('claims') || last.form_keys.includes('device_code'));
  assert.ok(tokenCalls(log).some((q) => q.grant_type === 'refresh_token' && q.status === 200));
});

test('authorization code with PKCE', async () => {
  await clear();
  const r = client('auth-code', { clientId: DESKTOP });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.query.code_challenge_method, 'S256');
  assert.equal(r.claims.scp, 'Report.Read.All');
  const code = tokenCalls(await requests()).find((q) => q.grant_type === 'authorization_code');
  assert.ok(code.form_keys.includes('code_verifier'));
});

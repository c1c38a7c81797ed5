#!/usr/bin/env node
// Copies Tauri's public JavaScript API (`@tauri-apps/api/core.js` and every module it imports)
// from node_modules into ui/vendor/tauri-api/, byte for byte, with the package's licences and a
// README naming the version. The UI has no bundler, so this copy is what the window loads.
//
//   node scripts/vendor-tauri-api.mjs           write ui/vendor/tauri-api/ from node_modules
//   node scripts/vendor-tauri-api.mjs --check   only compare; exit 1 if the copy is stale
//
// The version is the one package-lock.json pins; run `npm install` first (scripts/setup.sh does).

import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = '@tauri-apps/api';
const SRC = path.join(ROOT, 'node_modules', ...PACKAGE.split('/'));
const DEST = path.join(ROOT, 'ui', 'vendor', 'tauri-api');
const ENTRY = 'core.js';
const LICENSES = ['LICENSE-MIT', 'LICENSE-APACHE-2.0'];
const check = process.argv.includes('--check');

function fail(message) {
  console.error(`vendor-tauri-api: ${message}`);
  process.exit(1);
}

// The installed package must be the one the lock file pins, or the copy would follow a stray install.
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
const pinned = lock.packages?.[`node_modules/${PACKAGE}`]?.version;
if (!pinned) fail(`package-lock.json pins no ${PACKAGE}`);
if (!existsSync(path.join(SRC, 'package.json'))) fail(`${PACKAGE} is not installed: run npm install`);
const installed = JSON.parse(readFileSync(path.join(SRC, 'package.json'), 'utf8')).version;
if (installed !== pinned) {
  fail(`node_modules has ${PACKAGE} ${installed} but package-lock.json pins ${pinned}: run npm install`);
}

// Follow the entry's static imports and re-exports (statements at the start of a line, as the
// package's build writes them; examples in doc comments are indented). All are relative here.
const SPECIFIER = /^(?:import|export)\b(?:[^'";]*?\bfrom)?\s*['"]([^'"]+)['"]/gm;
const modules = [];
const queue = [ENTRY];
while (queue.length) {
  const rel = queue.shift();
  if (modules.includes(rel)) continue;
  modules.push(rel);
  const text = readFileSync(path.join(SRC, rel), 'utf8');
  for (const [, spec] of text.matchAll(SPECIFIER)) {
    if (!spec.startsWith('./') && !spec.startsWith('../')) {
      fail(`${rel} imports '${spec}', which a page without a bundler cannot load`);
    }
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
    if (target.startsWith('../')) fail(`${rel} imports '${spec}', outside the package`);
    queue.push(target);
  }
}

const expected = new Map();
for (const rel of [...modules, ...LICENSES]) expected.set(rel, readFileSync(path.join(SRC, rel)));
expected.set('README.md', Buffer.from(`# Tauri's JavaScript API, vendored

\`${PACKAGE}\` ${installed} (the version package-lock.json pins): ${modules.map((m) => `\`${m}\``).join(', ')},
copied unchanged from node_modules by \`scripts/vendor-tauri-api.mjs\`, with the package's licences
(Apache-2.0 OR MIT; the tslib helper keeps its own 0BSD notice). Don't edit these files: after
changing the pinned version, run \`npm install\` and then \`node scripts/vendor-tauri-api.mjs\`.
\`scripts/test.sh\` runs it with \`--check\` and fails when this copy differs from node_modules.
`));

function filesUnder(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`)
    : [`${prefix}${e.name}`]));
}

const present = filesUnder(DEST);
const stale = [...expected].filter(([rel, body]) => {
  const file = path.join(DEST, rel);
  return !existsSync(file) || !readFileSync(file).equals(body);
}).map(([rel]) => rel);
const extra = present.filter((rel) => !expected.has(rel));

if (check) {
  if (stale.length || extra.length) {
    for (const rel of stale) console.error(`  differs from node_modules or missing: ui/vendor/tauri-api/${rel}`);
    for (const rel of extra) console.error(`  not part of ${PACKAGE}'s ${ENTRY}: ui/vendor/tauri-api/${rel}`);
    fail(`the vendored copy is not ${PACKAGE} ${installed}: run node scripts/vendor-tauri-api.mjs`);
  }
  console.log(`ui/vendor/tauri-api matches ${PACKAGE} ${installed} (${expected.size} files)`);
} else {
  for (const rel of extra) rmSync(path.join(DEST, rel));
  for (const [rel, body] of expected) {
    mkdirSync(path.dirname(path.join(DEST, rel)), { recursive: true });
    writeFileSync(path.join(DEST, rel), body);
  }
  console.log(`ui/vendor/tauri-api: ${PACKAGE} ${installed}, ${[...expected.keys()].join(', ')}`);
}

// scripts/serve.mjs's cross-origin isolation (docs/threads.md): with `isolate` (npm start) every
// response, 404s included, carries COOP and COEP beside the security headers; without it
// (the e2e harness, as a static host) neither.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { kIsolationHeaders, kSecurityHeaders, serve, stop } from '../../scripts/serve.mjs';

let dir;
const servers = {};

before(async () => {
  dir = await mkdtemp(`${tmpdir()}/nntutor-isolate-`);
  await writeFile(`${dir}/index.html`, '<!doctype html><title>t</title>');
  await writeFile(`${dir}/module.worker.js`, 'self.onmessage = () => {};\n');
  for (const isolate of [true, false]) {
    const server = await serve(dir, { port: 0, isolate });
    servers[isolate] = { server, origin: `http://127.0.0.1:${server.address().port}` };
  }
});

after(async () => {
  for (const { server } of Object.values(servers)) await stop(server);
  await rm(dir, { recursive: true, force: true });
});

async function headers(isolate, path) {
  const response = await fetch(`${servers[isolate].origin}${path}`);
  await response.arrayBuffer();
  return { status: response.status, get: (name) => response.headers.get(name) };
}

test('the isolation headers are COOP same-origin and COEP require-corp', () => {
  assert.deepEqual(kIsolationHeaders, {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  });
});

for (const path of ['/', '/module.worker.js', '/missing.js']) {
  test(`isolated: ${path} carries COOP, COEP and the security headers`, async () => {
    const got = await headers(true, path);
    assert.equal(got.status, path === '/missing.js' ? 404 : 200);
    assert.equal(got.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(got.get('cross-origin-embedder-policy'), 'require-corp');
    for (const [name, value] of Object.entries(kSecurityHeaders)) assert.equal(got.get(name), value, name);
  });
  test(`not isolated: ${path} carries neither`, async () => {
    const got = await headers(false, path);
    assert.equal(got.get('cross-origin-opener-policy'), null);
    assert.equal(got.get('cross-origin-embedder-policy'), null);
  });
}

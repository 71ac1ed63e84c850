// `npm start`'s server (scripts/serve.mjs): the security headers on the HTML, the JavaScript and
// the WebAssembly it sends (issue 10, item 10), and the policy kept equal to the pages' own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { kContentSecurityPolicy, serve, stop } from '../../scripts/serve.mjs';

const kWeb = new URL('../../web/', import.meta.url);
const kHeaders = {
  'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' data:; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

let dir;
let server;
let origin;

before(async () => {
  dir = await mkdtemp(`${tmpdir()}/nntutor-serve-`);
  await writeFile(`${dir}/index.html`, '<!doctype html><title>t</title>');
  await writeFile(`${dir}/engine.js`, 'export const x = 1;\n');
  await writeFile(`${dir}/engine.wasm`, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  server = await serve(dir, { port: 0 });  // a free port on 127.0.0.1
  assert.equal(server.address().address, '127.0.0.1');
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  await stop(server);
  await rm(dir, { recursive: true, force: true });
});

async function headersOf(path) {
  const response = await fetch(`${origin}${path}`);
  await response.arrayBuffer();
  return { status: response.status, type: response.headers.get('content-type'),
    security: Object.fromEntries(Object.keys(kHeaders).map((k) => [k, response.headers.get(k)])) };
}

for (const [path, type] of [
  ['/', 'text/html; charset=utf-8'], ['/index.html', 'text/html; charset=utf-8'],
  ['/engine.js', 'text/javascript; charset=utf-8'], ['/engine.wasm', 'application/wasm'],
]) {
  test(`${path} is sent with the CSP (frame-ancestors 'none'), nosniff and no-referrer`, async () => {
    const got = await headersOf(path);
    assert.equal(got.status, 200);
    assert.equal(got.type, type);
    assert.deepEqual(got.security, kHeaders);
  });
}

test('a missing file is a 404, with the same headers', async () => {
  const got = await headersOf('/nothing.js');
  assert.equal(got.status, 404);
  assert.deepEqual(got.security, kHeaders);
});

/// A policy as a map: directive → its sources in order.
const directives = (policy) => new Map(policy.split(';').map((d) => d.trim()).filter(Boolean)
  .map((d) => { const [name, ...sources] = d.split(/\s+/); return [name, sources.join(' ')]; }));

test('the header\'s policy is the pages\' meta policies (their union) plus frame-ancestors \'none\'', async () => {
  const sent = directives(kContentSecurityPolicy);
  const union = new Map();
  for (const page of ['index.html', 'trainer.html']) {
    const html = await readFile(new URL(page, kWeb), 'utf8');
    const meta = html.match(/<meta http-equiv="Content-Security-Policy"\s+content="([^"]+)">/);
    assert.ok(meta, `${page} sets its policy in a meta tag`);
    for (const [name, sources] of directives(meta[1])) {
      assert.equal(sent.get(name), sources, `${page}: ${name} is sent as the page sets it`);
      union.set(name, sources);
    }
  }
  union.set('frame-ancestors', "'none'");
  assert.deepEqual([...sent.keys()].sort(), [...union.keys()].sort(), 'no directive beyond the pages\' own');
});

test('the digits page sets the trainer page\'s policy (its Web Worker compiles Wasm), inside the header\'s', async () => {
  const policy = async (page) => (await readFile(new URL(page, kWeb), 'utf8'))
    .match(/<meta http-equiv="Content-Security-Policy"\s+content="([^"]+)">/)[1];
  const digits = directives(await policy('digits.html'));
  assert.deepEqual(digits, directives(await policy('trainer.html')));
  const sent = directives(kContentSecurityPolicy);
  for (const [name, sources] of digits) assert.equal(sent.get(name), sources, `digits.html: ${name}`);
});

test('an unchanged file is answered 304 Not Modified to its ETag, with the security headers; a changed one 200', async () => {
  const first = await fetch(`${origin}/engine.js`);
  assert.equal(await first.text(), 'export const x = 1;\n');
  assert.equal(first.headers.get('cache-control'), 'no-cache');
  const etag = first.headers.get('etag');
  assert.match(etag, /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
  const again = await fetch(`${origin}/engine.js`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
  assert.equal(again.headers.get('content-security-policy'), kHeaders['content-security-policy']);
  const other = await fetch(`${origin}/engine.wasm`, { headers: { 'If-None-Match': etag } });
  assert.equal(other.status, 200, 'another file\'s ETag does not match');
  await writeFile(`${dir}/engine.js`, 'export const x = 22;\n');
  const changed = await fetch(`${origin}/engine.js`, { headers: { 'If-None-Match': etag } });
  assert.equal(changed.status, 200);
  assert.equal(await changed.text(), 'export const x = 22;\n');
  assert.notEqual(changed.headers.get('etag'), etag);
  await writeFile(`${dir}/engine.js`, 'export const x = 1;\n');
});

test('maxAge lets the browser keep a file that long (the e2e harness\'s server); the default asks each time', async () => {
  const kept = await serve(dir, { port: 0, maxAge: 3600 });
  try {
    const response = await fetch(`http://127.0.0.1:${kept.address().port}/engine.js`);
    assert.equal(await response.text(), 'export const x = 1;\n');
    assert.equal(response.headers.get('cache-control'), 'max-age=3600');
    assert.match(response.headers.get('etag'), /^W\/"[0-9a-f]+-[0-9a-f]+"$/, 'still with its validator');
    assert.equal(response.headers.get('content-security-policy'), kHeaders['content-security-policy']);
  } finally {
    await stop(kept);
  }
  assert.equal((await fetch(`${origin}/engine.js`)).headers.get('cache-control'), 'no-cache');
});

test('stop() ends the server even while a client is in the middle of a request', async () => {
  // A connection that is not idle (here its request's headers never end; in the browser suite, a
  // socket Chromium keeps across its contexts): server.close() alone waits for it for ever.
  const openRequest = async () => {
    const served = await serve(dir, { port: 0 });
    const socket = connect(served.address().port, '127.0.0.1');
    await new Promise((done) => socket.once('connect', done));
    socket.write('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((done) => setTimeout(done, 100));
    return { served, socket };
  };
  const within = (promise, ms) => Promise.race([promise, new Promise((done) => setTimeout(() => done('waiting'), ms))]);

  const alone = await openRequest();
  const closed = new Promise((done) => alone.served.close(() => done('closed')));
  assert.equal(await within(closed, 500), 'waiting', 'server.close() alone waits on the open request');
  alone.socket.destroy();
  assert.equal(await within(closed, 2000), 'closed');

  const stopped = await openRequest();
  const ended = new Promise((done) => stopped.socket.once('close', () => done('ended')));
  assert.equal(await within(stop(stopped.served).then(() => 'stopped'), 2000), 'stopped');
  assert.equal(await within(ended, 2000), 'ended');
});

// `npm start`'s server as the browser meets it (issue 10, item 10): the pages, their scripts and
// the WebAssembly arrive with the security headers, the pages still work under them, and no
// other site can show them in a frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, button, origin, withPage } from './harness.mjs';

const kPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' data:; frame-ancestors 'none'";

/// The security headers of every response received while `path` loads, by file name.
async function loadHeaders(path, options, body = async () => {}) {
  const seen = {};
  const context = await browser.newContext();
  context.on('response', async (response) => {
    const file = new URL(response.url()).pathname.split('/').pop() || 'index.html';
    const h = await response.allHeaders();
    seen[file] = [h['content-security-policy'], h['x-content-type-options'], h['referrer-policy']];
  });
  try {
    await withPage(body, { ...options, path, context });
  } finally {
    await context.close();
  }
  return seen;
}

test('the worked example, its scripts and its WebAssembly come with the CSP, nosniff and no-referrer', async () => {
  const seen = await loadHeaders('/index.html', {});
  for (const file of ['index.html', 'main.js', 'nntutor_wasm.wasm']) {
    assert.deepEqual(seen[file], [kPolicy, 'nosniff', 'no-referrer'], file);
  }
});

test('the trainer, its worker and the worker\'s module come with the headers, and it still starts', async () => {
  const seen = await loadHeaders('/trainer.html', { ready: false },
    (page) => page.getByText('Ready: press Train.').waitFor({ timeout: 20000 }));
  for (const file of ['trainer.html', 'trainer-main.js', 'trainer-worker.js', 'nntutor_train_wasm.js']) {
    assert.deepEqual(seen[file], [kPolicy, 'nosniff', 'no-referrer'], file);
  }
});

test('another page cannot show the pages in a frame (frame-ancestors \'none\')', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/frame-ancestors/.test(m.text())) refused.push(m.text()); });
  try {
    for (const path of ['/index.html', '/trainer.html']) {
      await page.setContent(`<iframe title="framed" src="${origin}${path}"></iframe>`, { waitUntil: 'load' });
      await page.waitForTimeout(300);
      const framed = page.frameLocator('iframe');
      assert.equal(await framed.getByRole('heading', { level: 1 }).count(), 0, `${path} is not shown in the frame`);
    }
    assert.equal(refused.length, 2, refused.join('\n'));
  } finally {
    await context.close();
  }
});

test('the page still works under the header policy: Step computes a row', () => withPage(async (page) => {
  await button(page, 'Step').click();
  await page.getByRole('table', { name: 'Training trace, one row per step' }).locator('tbody tr[data-step]').first().waitFor();
}));

// The page's modules import under node without a DOM: main.js only wires (start() is the one
// thing that touches the page), each panel-*.js wires its panel when created. Also the small
// helpers they share: loader.js (lazy modules, scripts, the checker on first use) and the
// exported session of panel-share.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EngineError } from '../../web/js/engine.js';
import { checkerLoader, lazy, loadScript } from '../../web/js/loader.js';
import { exportedSession } from '../../web/js/panel-share.js';

const kModules = [
  'main', 'panel-builder', 'panel-check', 'panel-equations', 'panel-graph', 'panel-rates',
  'panel-report', 'panel-share', 'panel-table', 'panel-tutor', 'loader', 'parse', 'graph-layout',
  'graph-editor', 'graph-export', 'render-graph', 'offscreen',
];

test('main.js imports without a browser and exports start() only', async () => {
  assert.equal(globalThis.document, undefined);
  const main = await import('../../web/js/main.js');
  assert.deepEqual(Object.keys(main), ['start']);
  assert.equal(typeof main.start, 'function');
  assert.equal(globalThis.document, undefined);
});

test('every panel and graph module imports without a browser', async () => {
  for (const name of kModules) {
    const module = await import(`../../web/js/${name}.js`);
    assert.ok(Object.keys(module).length > 0, name);
  }
});

test('lazy() loads once and keeps the promise', async () => {
  let loads = 0;
  const get = lazy(() => Promise.resolve({ n: ++loads }));
  const [a, b] = await Promise.all([get(), get()]);
  assert.equal(a, b);
  assert.equal(loads, 1);
});

/// A document whose head records the scripts added; `fail` names the sources that error.
function fakeDocument(fail = new Set()) {
  const added = [];
  return {
    added,
    createElement: (tag) => ({ tag }),
    head: {
      append(script) {
        added.push(script.src);
        queueMicrotask(() => (fail.has(script.src) ? script.onerror() : script.onload()));
      },
    },
  };
}

test('loadScript adds a script to the head and settles with its load', async () => {
  const doc = fakeDocument(new Set(['missing.js']));
  await loadScript(doc, 'vendor/x.js');
  await assert.rejects(loadScript(doc, 'missing.js'), { message: 'missing.js did not load' });
  assert.deepEqual(doc.added, ['vendor/x.js', 'missing.js']);
});

test('the checker loads on first use; a failed load is an EngineError and the next call tries again', async () => {
  const doc = fakeDocument(new Set(['nntutor_check_wasm.js']));
  const checker = checkerLoader(doc);
  assert.equal(checker.current(), null);
  await assert.rejects(checker.get(), (e) => e instanceof EngineError && e.message === 'nntutor_check_wasm.js did not load');
  assert.equal(checker.current(), null);
  // The script loads now but defines no createChecker: loadChecker says so.
  const later = checkerLoader(fakeDocument());
  await assert.rejects(later.get(),
    (e) => e instanceof EngineError && e.message === 'the checker script nntutor_check_wasm.js did not load');
});

test('the exported session holds as many steps as the table has rows', () => {
  const shown = { session: { steps: 7, loss: 'mse' }, table: { rows: [[1], [2], [3]] } };
  assert.deepEqual(exportedSession(shown), { steps: 3, loss: 'mse' });
  assert.equal(shown.session.steps, 7);
});

/// The modules `file` (in web/js) imports, and theirs, without the dynamic import()s.
function staticImports(file, seen = new Set()) {
  const text = readFileSync(new URL(`../../web/js/${file}`, import.meta.url), 'utf8');
  for (const [, name] of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'\.\/([^']+)'/gms)) {
    if (!seen.has(name)) {
      seen.add(name);
      staticImports(name, seen);
    }
  }
  return seen;
}

test('index.html preloads every module js/page.js imports, and the engine\'s Wasm', () => {
  const html = readFileSync(new URL('../../web/index.html', import.meta.url), 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="js\/([^"]+)">/g)].map((m) => m[1]);
  const imported = [...staticImports('page.js')];
  assert.deepEqual([...preloaded].sort(), [...imported].sort(),
    'the <link rel="modulepreload"> list of web/index.html is not the modules page.js imports');
  assert.ok(imported.includes('render-graph.js') && !imported.includes('render-check.js'), 'imported on first use only');
  assert.match(html, /<link rel="preload" href="nntutor_wasm.wasm" as="fetch" crossorigin>/);
});

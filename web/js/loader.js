// Code the page fetches after its first table: modules on first use, classic scripts (the
// checker's Wasm module, KaTeX, uPlot: served from vendor/, no CDN). `document` is passed in.
import { EngineError, loadChecker } from './engine.js';

/// A module fetched on first use: the panels that draw only after a click (check, report,
/// tutor) do not weigh on the first table. `load()` is called once, its promise kept.
export function lazy(load) {
  let module = null;
  return () => (module ??= load());
}

/// Adds `<script src>` to the head of `document`; resolves when it has run.
export function loadScript(document, src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
}

/// The checker's Wasm module (~240 KB gzipped), loaded on first use: `get()` resolves to the
/// functions of loadChecker (or rejects with an EngineError; a later call tries again);
/// `current()` is the promise of the load asked for, or null before (and after a failure).
export function checkerLoader(document) {
  let checker = null;
  return {
    current: () => checker,
    async get() {
      if (!checker) {
        checker = loadScript(document, 'nntutor_check_wasm.js').then(() => loadChecker(), (e) => {
          throw new EngineError(e.message);
        });
      }
      try {
        return await checker;
      } catch (e) {
        checker = null;  // a later click tries again
        throw e;
      }
    },
  };
}

/// KaTeX and uPlot load after the first table: the table does not wait for 300 KB of
/// typesetting and plotting code. A failure is kept in `vendorError.katex` / `.uplot` for the
/// panels to say; `onKatex()` / `onUplot()` run once each has loaded or failed.
export function loadVendor(document, vendorError, { onKatex, onUplot }) {
  loadScript(document, 'vendor/katex/katex.min.js').then(() => {
    globalThis.katex.renderToString('\\frac{\\partial L}{\\partial w_{1}} = (y_{2} - y) \\cdot (1 - y_{2})y_{2}',
      { throwOnError: false, displayMode: true });  // warm-up, off screen
  }, (e) => {
    vendorError.katex = `The formula typesetter could not be loaded (${e.message}): reload the page to see the equations.`;
  }).then(onKatex);
  loadScript(document, 'vendor/uplot/uPlot.iife.min.js').catch((e) => {
    vendorError.uplot = `The plotting library could not be loaded (${e.message}): reload the page to compare learning rates.`;
  }).then(onUplot);
}

/// The randomly wired module (nntutor_wired_wasm.js), loaded on first use: the Graph panel lays
/// out a graph session with its layout(). `get()` resolves to loadWired's functions (a failed
/// load is tried again on the next call).
export function wiredLoader(document) {
  let wired = null;
  return {
    async get() {
      if (!wired) {
        wired = loadScript(document, 'nntutor_wired_wasm.js').then(() => import('./wired-engine.js'))
          .then((m) => m.loadWired(), (e) => {
            throw new EngineError(e.message);
          });
      }
      try {
        return await wired;
      } catch (e) {
        wired = null;
        throw e;
      }
    },
  };
}

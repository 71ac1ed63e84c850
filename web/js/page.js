// The page's entry (index.html loads it; the CSP allows no inline script): starts main.js
// with this browser's document, location, history, storage and the engine's factory.
import { start } from './main.js';

/// This browser's storage, or null where it is switched off (the page then keeps nothing).
function storage() {
  try {
    return globalThis.localStorage;
  } catch {
    return null;
  }
}

start({
  document, window, location, history, localStorage: storage(), performance,
  createEngine: globalThis.createEngine,
});

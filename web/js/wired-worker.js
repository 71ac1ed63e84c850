// The side-by-side training's Web Worker: the wired Wasm module's Comparison (ER, BA, WS and a
// dense network, docs/graph.md "Side by side") trains here epoch by epoch, so the page stays
// responsive. Every number and message comes from the core; this file only carries messages.
//
// Page → worker: {type: 'run', request} | {type: 'stop'}
// Worker → page: {type: 'started'} | {type: 'epoch', logs, elapsed} | {type: 'done', summary, elapsed, stopped}
//   | {type: 'error', message}
/* global createWired */
importScripts('../nntutor_wired_wasm.js');

let wired = null;
let stopping = false;
let running = false;
const ready = createWired().then((m) => { wired = m; });

/// Hands control back to the message queue without the 4 ms clamp of nested timers.
function yieldToMessages() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(0);
  });
}

function parsed(result) {
  if (!result || !result.ok) throw new Error(String(result?.error ?? 'no result'));
  return JSON.parse(result.value);
}

async function run(request) {
  running = true;
  stopping = false;
  const comparison = new wired.Comparison(JSON.stringify(request));
  try {
    const refused = comparison.error();
    if (refused) {
      postMessage({ type: 'error', message: refused });
      return;
    }
    postMessage({ type: 'started' });
    const t0 = performance.now();
    let lastYield = t0;
    for (let e = 1; e <= request.epochs && !stopping; e += 1) {
      const logs = parsed(comparison.epoch());
      postMessage({ type: 'epoch', logs, elapsed: performance.now() - t0 });
      if (logs.done) break;
      // Read a Stop sent meanwhile, at most every 30 ms (each yield costs a task).
      if (performance.now() - lastYield > 30) {
        await yieldToMessages();
        lastYield = performance.now();
      }
    }
    const summary = parsed(comparison.summary());
    postMessage({ type: 'done', summary, elapsed: performance.now() - t0, stopped: stopping });
  } catch (e) {
    postMessage({ type: 'error', message: e.message });
  } finally {
    comparison.delete();
    running = false;
  }
}

onmessage = async (event) => {
  const message = event.data;
  if (message.type === 'stop') {
    stopping = true;
    return;
  }
  await ready;
  if (message.type === 'run' && !running) await run(message.request);
};

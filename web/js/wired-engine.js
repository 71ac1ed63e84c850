// The randomly wired page's Wasm module (nntutor_wired_wasm.js, cpp/wasm/wired_bindings.cpp;
// docs/graph.md): objects in, parsed values out; `ok: false` becomes an EngineError with the
// core's message. The lecture page loads it on first use to lay out a graph session.
import { EngineError } from './engine.js';

function unwrap(result, what) {
  if (typeof result === 'string') return JSON.parse(result);
  if (!result || typeof result !== 'object') throw new EngineError(`${what}: the engine returned no result`);
  if (!result.ok) throw new EngineError(String(result.error));
  try {
    return JSON.parse(result.value);
  } catch (e) {
    throw new EngineError(`${what}: the engine returned invalid JSON (${e.message})`);
  }
}

/// Instantiates the module (in the page: the global `createWired` its script defines).
export async function loadWired(createWired = globalThis.createWired) {
  if (typeof createWired !== 'function') {
    throw new EngineError('the wired script nntutor_wired_wasm.js did not load');
  }
  let module;
  try {
    module = await createWired();
  } catch (e) {
    throw new EngineError(`the engine did not start: ${e?.message ?? e}`);
  }
  const json = (request) => JSON.stringify(request);
  return {
    /// The families with their parameters (label, min, max, default), nodes, seed, the
    /// activations, the limits and the comparison's defaults.
    wiredSchema: () => unwrap(module.wiredSchema(), 'wiredSchema'),
    /// A graph session (docs/graph.md) of `{ family, nodes, p|m|k, seed, activation }`.
    generate: (request) => unwrap(module.generate(json(request)), 'generate'),
    /// The generator's steps: `{ family, nodes, steps: [{ kind, text, edges, … }] }`.
    generatorSteps: (request) => unwrap(module.generatorSteps(json(request)), 'generatorSteps'),
    /// The undirected graph's statistics with their closed forms.
    statistics: (session) => unwrap(module.statistics(json(session)), 'statistics'),
    /// The drawing's layout: every node's and dummy point's layer and slot.
    layout: (session) => unwrap(module.layout(json(session)), 'layout'),
  };
}

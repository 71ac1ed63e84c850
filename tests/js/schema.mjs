// The engine's schema (schema(): every activation, loss and optimizer with its defaults, the
// limits), read from the built module, and state.js's functions bound to it: what the page
// gets once its engine is loaded. No test spells a list of its own.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createEngine from '../../build/wasm/nntutor_wasm.js';
import { loadEngine } from '../../web/js/engine.js';
import { stateModel } from '../../web/js/state.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const wasmBinary = readFileSync(`${root}build/wasm/nntutor_wasm.wasm`);
const module = await createEngine({ wasmBinary });

/// The parsed schema of the built engine.
export const schema = JSON.parse(module.schema());
/// The built engine as the page loads it (engine.js: run, open, describe, …).
export const engine = await loadEngine(() => createEngine({ wasmBinary }));
/// state.js bound to it (stateModel), as the page's `page.model`.
export const model = stateModel(schema);

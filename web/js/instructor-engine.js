// The instructor page's Wasm module (nntutor_instructor_wasm.js, cpp/wasm/instructor_bindings.cpp):
// objects in, parsed values out; `ok: false` becomes an EngineError with the core's message.
import { EngineError } from './engine.js';

function unwrap(result, what) {
  if (!result || typeof result !== 'object') throw new EngineError(`${what}: the engine returned no result`);
  if (!result.ok) throw new EngineError(String(result.error));
  return JSON.parse(result.value);
}

/// Instantiates the module (in the page: the global `createInstructor` its script defines).
export async function loadInstructor(createInstructor = globalThis.createInstructor) {
  if (typeof createInstructor !== 'function') {
    throw new EngineError('the instructor script nntutor_instructor_wasm.js did not load');
  }
  let module;
  try {
    module = await createInstructor();
  } catch (e) {
    throw new EngineError(`the engine did not start: ${e?.message ?? e}`);
  }
  return {
    /// `count` variants of the session in `templateText` (JSON text) from `seed`:
    /// `{ seed, steps, assignment, rules, variants: [{ id, title, session, link, inputs,
    /// targets, learning_rate, first_loss, rising_rate, attempts, files: [{ name, text }] }],
    /// index: { name, text } }` (docs/engine-api.md, "Variants"). `options`: `{ seed, count,
    /// steps (null: the template's), site (the lecture page's address) }`.
    variants(templateText, options) {
      return unwrap(module.variants(String(templateText), JSON.stringify(options)), 'variants');
    },
    /// The templates offered: `[{ name, title, session }]`.
    templates: () => JSON.parse(module.templates()),
    /// The rules' numbers: `{ max_count, max_steps, max_attempts, min_slope, loss_steps,
    /// min_loss_change, max_cell, precision }`.
    rules: () => JSON.parse(module.rules()),
    version: () => module.version(),
  };
}

// `npm run bench` (scripts/bench.sh): randomly wired networks (issue 11, docs/graph.md) — one
// training step of a 32-node WS(4, 0.25) graph (one sample, sgd) natively (nntutor_bench) and in
// the wired Wasm module under Node, and the side-by-side training (ER, BA, WS and a dense
// network, 50 epochs on 256 spectra) in the Wasm module, the page's engine. Target < 5 s.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createWired from '../build/wasm/nntutor_wired_wasm.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = join(root, 'build/bench');
mkdirSync(dir, { recursive: true });
const session = execFileSync(join(root, 'build/native/nntutor'),
  ['graph', '--family', 'ws', '--nodes', '32', '--k', '4', '--p', '0.25', '--seed', '1'], { encoding: 'utf8' });
const file = join(dir, 'ws32.session.json');
writeFileSync(file, session);
const native = execFileSync(join(root, 'build/native/nntutor_bench'), [`ws32=${file}`], { encoding: 'utf8' });
const nativeUs = Number(native.trim().split(' ')[1]);

const wired = await createWired();
const unwrap = (r) => { if (!r.ok) throw new Error(r.error); return JSON.parse(r.value); };
const steps = 20000;
unwrap(wired.benchSteps(session, 2000));  // warm-up (the engine tiers up)
let start = performance.now();
unwrap(wired.benchSteps(session, steps));
const wasmUs = ((performance.now() - start) * 1000) / steps;

start = performance.now();
const c = new wired.Comparison(JSON.stringify({ epochs: 50 }));
if (c.error()) throw new Error(c.error());
for (let e = 0; e < 50; ++e) unwrap(c.epoch());
const summary = unwrap(c.summary());
c.delete();
const compareMs = performance.now() - start;

console.log('Randomly wired networks (issue 11)');
console.log(`  one step, WS(4, 0.25) on 32 nodes: native ${nativeUs.toFixed(2)} µs, Wasm (Node) ${wasmUs.toFixed(2)} µs`);
console.log(`  side by side, 4 models × 50 epochs × 256 spectra (Wasm, Node): ${(compareMs / 1000).toFixed(2)} s (target < 5 s)`);
for (const m of summary.models)
  console.log(`    ${m.name.padEnd(6)} ${String(m.parameters).padStart(4)} parameters, final loss ${m.final_loss?.toFixed(4)}`);

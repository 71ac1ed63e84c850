// Issue 10, items 4, 8 and 9, as the student meets them: a checked cell's explanation on a tap
// (phone) or Tab (keyboard), counts and sentences that agree; the Assignment report's graph at a
// readable size, its equations at full height and not left behind by their heading in print, its
// Markdown export with the description's HTML shown as text; a negative number after a minus in
// the equations written in parentheses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { browser, button, enter, field, kArtifacts, withPage } from './harness.mjs';

const kRoot = fileURLToPath(new URL('../../', import.meta.url));
const kSlide = await readFile(`${kRoot}examples/lecture-slide-eta0.1.csv`, 'utf8');
const kPhone = { width: 390, height: 844 };
const kLaptop = { width: 1366, height: 900 };

const checked = (page) => page.getByRole('table', { name: 'Your table, each cell checked' });
const cell = (page, row, column) => checked(page).getByRole('cell', { name: new RegExp(`^${column}, row ${row}: `) });
const details = (page) => page.getByRole('region', { name: 'the chosen cell' });

/// The details box as { label: value } (its <dt>/<dd> pairs) and its title line.
async function readDetails(page) {
  const box = details(page);
  const labels = await box.locator('dt').allInnerTexts();
  const values = await box.locator('dd').allInnerTexts();
  return {
    title: (await box.locator('.check-detail-title').innerText()).trim(),
    lines: Object.fromEntries(labels.map((l, i) => [l.trim(), values[i].trim()])),
  };
}

async function checkSlide(page) {
  await field(page, 'your table').fill(kSlide);
  await button(page, 'Check my table').click();
  await page.locator('.check-summary').waitFor();
}

test('Check my table on a phone: tapping a wrong cell shows its expected value, formula and slip in view',
  async () => {
    const context = await browser.newContext({ viewport: kPhone, hasTouch: true, isMobile: true });
    try {
      await withPage(async (page) => {
        await checkSlide(page);
        const box = details(page);
        assert.equal(await box.getAttribute('aria-live'), 'polite', 'announced politely');
        const z2 = cell(page, 2, 'z2');
        await z2.scrollIntoViewIfNeeded();
        await z2.tap();
        await box.getByText('0.5151', { exact: true }).waitFor();
        const { title, lines } = await readDetails(page);
        assert.match(title, /Row 2, z2: wrong$/);
        assert.deepEqual(lines, {
          'You wrote': '0.5151',
          Expected: '0.5109',
          Formula: 'z2 = w2·y1 + b2',
          Why: 'your own numbers give 0.5109, as does the exact run',
          Slip: 'No known slip explains this.',
        });
        // Where the eye is: the tapped cell and its details on the same screen.
        for (const target of [z2, box]) {
          const b = await target.boundingBox();
          assert.ok(b.y >= 0 && b.y + Math.min(b.height, 60) <= kPhone.height, JSON.stringify(b));
        }
        assert.equal(await z2.getAttribute('aria-current'), 'true', 'the chosen cell is marked');
        await page.screenshot({ path: `${kArtifacts}check-phone-tap.png` });
      }, { context });
    } finally {
      await context.close();
    }
  });

test('Check my table by keyboard: Tab to a cell shows its details; counts and sentences agree',
  () => withPage(async (page) => {
    await checkSlide(page);
    assert.match(await page.locator('.check-summary').innerText(),
      /^1 of 65 cells is wrong and 3 follow from it\. The first slip is z2 in row 2/);
    const chips = (await page.locator('.check-chip').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.deepEqual(chips, ['✓ 51 correct', '≈ 10 rounding', '✗ 1 wrong', '↳ 3 follow from the slip']);

    await cell(page, 2, 'z2').focus();
    await page.keyboard.press('Tab');  // the next cell of row 2: y2, which follows from z2
    assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /^y2, row 2: /);
    await details(page).getByText('0.6260', { exact: true }).waitFor();
    const { title, lines } = await readDetails(page);
    assert.match(title, /Row 2, y2: follows from the earlier slip$/);
    assert.equal(lines.Expected, '0.6250');
    assert.equal(lines.Formula, 'y2 = σ(z2)');
    assert.equal(lines['Follows from'], 'the slip in row 2\'s z2');
    const label = await cell(page, 2, 'y2').getAttribute('aria-label');
    assert.match(label, /0\.6260 follows from the earlier slip in row 2's z2\./);
    assert.doesNotMatch(label, /is follows/);
  }));

/// Loads the passing example (Import session), types `description`, checks Assignment 4.
async function makeReport(page, description = '') {
  await page.locator('#session-import').setInputFiles(`${kRoot}examples/assignment-pass.json`);
  await page.locator('#session-status').getByText(/^Loaded /).waitFor();
  await page.waitForFunction(() => Boolean(globalThis.katex));
  await field(page, 'description of your network').fill(description);
  await button(page, 'Check Assignment 4').click();
  await page.locator('.report-tables-part').waitFor();
}

test('the report on a laptop: the graph at full size (labels ≥ 11 px), the equations at full height',
  () => withPage(async (page) => {
    await makeReport(page);
    const image = page.locator('#report').getByRole('img', { name: /^Graph of the network/ });
    await page.waitForFunction(() => document.querySelector('.report-graph img')?.complete);
    // The SVG's own label sizes, from the stylesheet graph-export.js writes into it (the page's
    // CSP keeps the test from reading the image's blob back).
    const exporter = await readFile(`${kRoot}web/js/graph-export.js`, 'utf8');
    const smallest = Math.min(...[...exporter.matchAll(/font-size:\s*([\d.]+)px/g)].map((m) => Number(m[1])));
    const graph = await image.evaluate((img) => {
      const column = img.closest('.report-part');
      const style = getComputedStyle(column);
      return {
        width: img.getBoundingClientRect().width, natural: img.naturalWidth,
        column: column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
      };
    });
    graph.smallest = smallest;
    assert.ok(graph.smallest >= 11, JSON.stringify(graph));
    assert.ok(graph.width >= graph.natural - 0.5, `not shrunk: ${JSON.stringify(graph)}`);
    assert.ok(graph.smallest * (graph.width / graph.natural) >= 11, `labels ≥ 11 px: ${JSON.stringify(graph)}`);
    assert.ok(graph.width >= graph.column - 1, `the full width of its column: ${JSON.stringify(graph)}`);

    const math = page.getByRole('region', { name: 'gradient equations at step 1', exact: true });
    const sizes = await math.evaluate((m) => ({ scroll: m.scrollHeight, client: m.clientHeight }));
    assert.ok(sizes.scroll <= sizes.client + 1, `no scroll box: ${JSON.stringify(sizes)}`);
    assert.ok(await math.locator('.katex-display').count() > 1, 'one display per equation');
    await page.locator('.report-panel').screenshot({ path: `${kArtifacts}report-laptop.png` });
  }, { viewport: kLaptop }));

test('the printed report keeps "3. Gradient equations" with its first equation', () => withPage(async (page) => {
  await makeReport(page);
  await page.evaluate(() => { window.print = () => {}; });
  await page.getByRole('group', { name: 'Export the report' }).getByRole('button', { name: 'Print report' }).click();
  await page.emulateMedia({ media: 'print' });
  // A4 at 96 dpi, less Chromium's default 1 cm margins: what one printed page holds.
  const kPageHeight = (297 - 20) / 25.4 * 96;
  const part = page.locator('.report-equations-part');
  const layout = await part.evaluate((section) => {
    const heading = section.querySelector('.report-part-title');
    const blocks = [...section.querySelectorAll('.report-equation')];
    return {
      headingBreak: getComputedStyle(heading).breakAfter,
      introBreak: getComputedStyle(heading.nextElementSibling).breakAfter,
      blockBreak: blocks.length ? getComputedStyle(blocks[0]).breakInside : '',
      heights: blocks.map((b) => b.getBoundingClientRect().height),
      // From the heading's top to the first equation's foot: what must share one page.
      head: blocks.length ? blocks[0].getBoundingClientRect().bottom - heading.getBoundingClientRect().top : Infinity,
    };
  });
  assert.equal(layout.headingBreak, 'avoid');
  assert.equal(layout.introBreak, 'avoid');
  assert.equal(layout.blockBreak, 'avoid');
  assert.ok(layout.heights.length > 1, 'the equations come in blocks a page can break between');
  assert.ok(layout.heights.every((h) => h < kPageHeight), JSON.stringify(layout.heights));
  assert.ok(layout.head < kPageHeight / 2, `the heading, its introduction and one equation fit together: ${layout.head}`);
}, { viewport: { width: 794, height: 1123 } }));

test('the Markdown report shows HTML in the description as text', () => withPage(async (page) => {
  const description = 'My net <img src=x onerror=alert(1)>\n\n<script>alert(2)</script> & more';
  await makeReport(page, description);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('group', { name: 'Export the report' }).getByRole('button', { name: 'Download Markdown report' }).click()]);
  const text = await readFile(await download.path(), 'utf8');
  assert.ok(text.includes('## 1. Description of the network\n\nMy net &lt;img src=x onerror=alert(1)>\n\n'
    + '&lt;script>alert(2)&lt;/script> & more\n'), text.slice(0, 400));
  assert.doesNotMatch(text, /<img|<script/i);
  // On the page the description is shown as typed.
  assert.equal(await page.locator('.report-description').innerText(), description);
}));

test('the equations write a negative target after a minus in parentheses: 0.6220 − (−0.2500)',
  () => withPage(async (page) => {
    await enter(page, 'y', '-0.25');
    await button(page, 'Step').click();
    const equation = page.getByRole('region', { name: /^Gradient equations\b/ })
      .getByRole('region', { name: 'dL/dw2', exact: true });
    await equation.locator('.katex').first().waitFor();
    const tex = (await equation.locator('.katex-mathml annotation').allTextContents()).join('\n');
    assert.ok(tex.includes('(0.6220 - (-0.2500))'), tex);
    assert.doesNotMatch(tex, /- -/);
    // As KaTeX draws it: a minus, then the negative number in parentheses (its HTML's text: a
    // panel below the fold is not laid out, content-visibility: auto, so it has no innerText).
    assert.match((await equation.locator('.katex-html').allTextContents()).join(' ').replace(/\s+/g, ''), /0\.6220−\(−0\.2500\)/);
  }));

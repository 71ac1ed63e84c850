// Share links never destroy work, and their messages are where the eye is (issue 10, items 1
// and 2): a bad link changes nothing stored and says so at the top of the view; a good link
// opens beside the saved work with "Back to my session"; a link pasted into an open tab is acted
// on; in tutor mode on a phone the verdict and the hint stay in sight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  browser, button, enter, field, kArtifacts, origin, rowCount, waitEnabled, withPage,
} from './harness.mjs';

const kLaptop = { width: 1366, height: 900 };
const kPhone390 = { width: 390, height: 844 };
const allow = [/clipboard/i];

/// `locator` is wholly inside the viewport as it is scrolled now.
async function assertInView(page, locator, name) {
  const box = await locator.boundingBox();
  const { height } = page.viewportSize();
  assert.ok(box && box.y >= 0 && box.y + box.height <= height, `${name} is in view: ${JSON.stringify(box)}`);
}

const linkAlert = (page) => page.getByRole('alert').filter({ hasText: 'This link could not be loaded' });

/// The student's own work: the lecture at η = 1, w1 = 0.3, 3 steps, 6 decimals.
async function myWork(page) {
  await button(page, 'η = 1').click();
  await enter(page, 'w1', '0.3');
  await button(page, 'Back').click();
  await button(page, 'Back').click();
  await field(page, 'decimals').fill('6');
  assert.equal(await rowCount(page), 3);
}

async function assertMyWork(page, when) {
  assert.equal(await field(page, 'learning rate').inputValue(), '1', when);
  assert.equal(await field(page, 'w1').inputValue(), '0.3', when);
  assert.equal(await rowCount(page), 3, when);
  assert.equal(await field(page, 'decimals').inputValue(), '6', when);
}

/// A share link of the lecture at η = 10 with 5 steps (made in its own context).
async function otherLink() {
  let link;
  await withPage(async (page) => {
    await button(page, 'η = 10').click();
    await button(page, 'Copy share link').click();
    link = await field(page, 'share link').inputValue();
  }, { allow });
  return link.slice(origin.length);
}

test('a bad link keeps the saved session, says why at the top of the view, and a reload shows the work',
  async () => {
    const context = await browser.newContext({ viewport: kLaptop });
    try {
      await withPage(myWork, { context });
      await withPage(async (page) => {
        await assertMyWork(page, 'after the bad link');
        const message = linkAlert(page);
        await message.waitFor();
        assert.match(await message.innerText(), /it is not JSON\. Your saved session is shown instead; nothing was changed\./);
        assert.equal(await page.evaluate(() => window.scrollY), 0);
        await assertInView(page, message, 'the message');
        await page.screenshot({ path: `${kArtifacts}bad-link-laptop.png` });
        assert.equal(await page.evaluate(() => location.hash), '');
        await page.reload();
        await waitEnabled(button(page, 'Step'));
        await assertMyWork(page, 'after a reload');
        assert.equal(await linkAlert(page).count(), 0, 'the message went with the link');
      }, { context, path: '/#session=bm90IGpzb24' });
    } finally {
      await context.close();
    }
  });

test('the message of a bad link stays in view while the page scrolls, on a phone too', () => withPage(async (page) => {
  const message = linkAlert(page);
  await message.waitFor();
  await assertInView(page, message, 'the message at the start');
  await page.evaluate(() => window.scrollTo(0, 3000));
  await assertInView(page, message, 'the message after scrolling');
  await page.screenshot({ path: `${kArtifacts}bad-link-phone.png` });
  await page.getByRole('button', { name: 'Dismiss the message' }).click();
  assert.equal(await message.count(), 0);
}, { viewport: kPhone390, path: '/#session=bm90IGpzb24' }));

test('a good link opens beside the saved work: Back to my session restores it exactly', async () => {
  const link = await otherLink();
  const context = await browser.newContext({ viewport: kLaptop });
  try {
    await withPage(myWork, { context });
    await withPage(async (page) => {
      await page.getByRole('status').filter({ hasText: 'Loaded the session from the link.' }).first().waitFor();
      assert.equal(await field(page, 'learning rate').inputValue(), '10', 'the link is shown');
      assert.equal(await rowCount(page), 5);
      const back = button(page, 'Back to my session');
      await assertInView(page, back, 'Back to my session');
      await page.screenshot({ path: `${kArtifacts}good-link-laptop.png` });
      await back.click();
      await assertMyWork(page, 'after Back to my session');
      assert.equal(await back.count(), 0, 'nothing more to go back to');
      await page.reload();
      await waitEnabled(button(page, 'Step'));
      await assertMyWork(page, 'after a reload');
    }, { context, path: link });
  } finally {
    await context.close();
  }
});

test('until the student chooses, the kept session is offered on every load; Keep this session forgets it', async () => {
  const link = await otherLink();
  const context = await browser.newContext({ viewport: kLaptop });
  try {
    await withPage(myWork, { context });
    await withPage(async (page) => {
      await button(page, 'Back to my session').waitFor();
      await page.reload();
      await waitEnabled(button(page, 'Step'));
      assert.equal(await field(page, 'learning rate').inputValue(), '10', 'the link\'s session was autosaved');
      await button(page, 'Back to my session').waitFor();
      await button(page, 'Keep this session').click();
      assert.equal(await button(page, 'Back to my session').count(), 0);
      await page.reload();
      await waitEnabled(button(page, 'Step'));
      assert.equal(await field(page, 'learning rate').inputValue(), '10');
      assert.equal(await button(page, 'Back to my session').count(), 0, 'nothing kept any more');
    }, { context, path: link });
  } finally {
    await context.close();
  }
});

test('a link pasted into the open tab is acted on, with the same rules', async () => {
  const link = await otherLink();
  await withPage(async (page) => {
    await myWork(page);
    // A bad link: nothing changes, the message is in view.
    await page.evaluate(() => { location.hash = '#session=bm90IGpzb24'; });
    await linkAlert(page).waitFor();
    assert.match(await linkAlert(page).innerText(), /Your session is unchanged\./);
    await assertInView(page, linkAlert(page), 'the message');
    await assertMyWork(page, 'after the bad link');
    // A good link: shown, with the student's session one click away.
    await page.evaluate((hash) => { location.hash = hash; }, link.slice(1));
    await page.waitForFunction(() => document.getElementById('cell-learningRate')?.value === '10');
    assert.equal(await rowCount(page), 5);
    assert.equal(await page.evaluate(() => location.hash), '', 'the fragment is dropped once read');
    await button(page, 'Back to my session').click();
    await assertMyWork(page, 'after Back to my session');
  }, { allow });
});

test('in tutor mode on a phone the verdict and the hint after a wrong number are in view', () => withPage(async (page) => {
  await button(page, 'Start the tutor').click();
  const answers = [['z1 (step 1)', '0.5000'], ['y1 (step 1)', '0.6225'], ['z2 (step 1)', '0.4980'],
    ['y2 (step 1)', '0.6220'], ['L (step 1)', '0.0714'], ['∂L/∂w2 (step 1)', '-0.0553'],
    ['∂L/∂b2 (step 1)', '-0.0889'], ['∂L/∂w1 (step 1)', '-0.0167'], ['∂L/∂b1 (step 1)', '-0.0167'],
    ['w1 for step 2', '0.5017'], ['b1 for step 2', '0.0017'], ['w2 for step 2', '0.8055']];
  for (const [label, text] of answers) {
    await field(page, label).fill(text);
    await field(page, label).press('Enter');
  }
  // The last box, low on the screen as when the phone's keyboard is up: a wrong number.
  const box = field(page, 'b2 for step 2');
  await box.fill('0.5');
  await box.evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await box.press('Enter');
  const verdict = page.locator('#tutor-feedback').getByText('b2 = 0.5 is not right.');
  await verdict.waitFor();
  await assertInView(page, verdict, 'the verdict');
  await assertInView(page, page.locator('.tutor-hint'), 'the hint');
  await assertInView(page, field(page, 'b2 for step 2'), 'the box to correct');
  await page.screenshot({ path: `${kArtifacts}tutor-phone-verdict.png` });
}, { viewport: kPhone390 }));

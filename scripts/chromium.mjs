// How the browser tests and the page benches start Debian's Chromium (from scripts/setup.sh):
// headless, with one list of switches, kept here once. The benches time the browser a student
// opens (/usr/bin/chromium, in its headless mode); the tests run chromium-headless-shell, the same
// Blink and V8 without the browser's windows and their UI: the browser suite took 218–226 s
// with it against 277 s, its browser process 49 CPU-seconds against 98 (docs/testing.md).
import { chromium } from 'playwright-core';

export const kChromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  // Without these it keeps retrying connections to the closed network beside a timed worker.
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Each window of the headless browser (one per browser context) otherwise starts the
  // omnibox's WebUI popup in a renderer of its own: about 1 CPU-second per context, more than
  // our page's whole load (measured with a Chromium trace; docs/testing.md).
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

export const kChromium = '/usr/bin/chromium';
export const kHeadlessShell = '/usr/bin/chromium-headless-shell';

/// Launches headless Chromium (`executable`: kChromium or kHeadlessShell) with kChromiumArgs and
/// any `extra` switches.
export function launchChromium(extra = [], executable = kChromium) {
  return chromium.launch({ executablePath: executable, headless: true, args: [...kChromiumArgs, ...extra] });
}

/// Waits until the text of the element with id `id` matches `pattern`, reading it every 250 ms.
/// For the timing benches: Playwright's own waiting (getByText(…).waitFor()) looks at every
/// animation frame, which keeps the browser drawing frames beside the training being timed
/// (docs/bench.md, seventh session: two threads 1.01× with it, 1.10× without).
export function waitForText(page, id, pattern, timeout) {
  return page.waitForFunction(([i, source, flags]) => new RegExp(source, flags).test(document.getElementById(i)?.textContent ?? ''),
    [id, pattern.source, pattern.flags], { polling: 250, timeout });
}

// How the browser tests and the page benches start Debian's Chromium (/usr/bin/chromium, from
// scripts/setup.sh): headless, with one list of switches, kept here once.
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

/// Launches headless Chromium with kChromiumArgs and any `extra` switches.
export function launchChromium(extra = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...kChromiumArgs, ...extra] });
}

/// Waits until the text of the element with id `id` matches `pattern`, reading it every 250 ms.
/// For the timing benches: Playwright's own waiting (getByText(…).waitFor()) looks at every
/// animation frame, which keeps the browser drawing frames beside the training being timed
/// (docs/bench.md, seventh session: two threads 1.01× with it, 1.10× without).
export function waitForText(page, id, pattern, timeout) {
  return page.waitForFunction(([i, source, flags]) => new RegExp(source, flags).test(document.getElementById(i)?.textContent ?? ''),
    [id, pattern.source, pattern.flags], { polling: 250, timeout });
}

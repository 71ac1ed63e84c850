// A panel's drawing that may wait while it is off screen: the graph of 8 × 32 units (8192
// connections) and a large network's equations (KaTeX) take longer to draw than a Step takes
// to compute, and sit far below the table. A large drawing is made at once when its box is
// within a screen of the view, else when it comes near the view or the page is idle, whichever
// is first; a small one is always drawn at once. No engine calls, nothing computed: it only
// decides when the panel's own draw runs.

/// Watches `box` (an element) and runs `draw()` when asked: `request(large)` draws now unless
/// `large` is true and the box is far from the view, where it waits (`box` is marked
/// aria-busy meanwhile); `flush()` draws a waiting request now (before the drawing is copied);
/// `measure()` takes the box's place now for the next request, which then does not lay the
/// page out again.
/// `window` gives IntersectionObserver and requestIdleCallback; without IntersectionObserver
/// (node, tests) every request draws at once.
export function offscreenDraw(box, draw, window) {
  let waiting = false;
  let idle = null;
  let measured = null;  // near() as measure() found it, for the next request
  const Observer = window?.IntersectionObserver;
  if (Observer) {
    // One screen above and below the view counts as near: scrolling there finds it drawn.
    new Observer((entries) => {
      if (entries[entries.length - 1].isIntersecting) flush();
    }, { rootMargin: '100% 0px' }).observe(box);
  }

  /// Whether the box is within a screen of the view now. Asked at each request rather than
  /// remembered from the observer: the builder above may have just grown by thousands of
  /// pixels (a large network opened). It lays the page out, as drawing the update does anyway.
  function near() {
    const { top, bottom } = box.getBoundingClientRect();
    const height = window.innerHeight;
    return bottom > -height && top < 2 * height;
  }

  function cancelIdle() {
    if (idle === null) return;
    if (window.cancelIdleCallback) window.cancelIdleCallback(idle);
    else window.clearTimeout(idle);
    idle = null;
  }

  function flush() {
    cancelIdle();
    if (!waiting) return;
    waiting = false;
    box.removeAttribute('aria-busy');
    draw();
  }

  return {
    request(large) {
      waiting = true;
      const isNear = measured;
      measured = null;
      if (!Observer || !large || (isNear ?? near())) {
        flush();
        return;
      }
      box.setAttribute('aria-busy', 'true');
      if (idle !== null) return;
      // Drawn while the student reads, if not scrolled to first (a later Step asks again).
      idle = window.requestIdleCallback
        ? window.requestIdleCallback(flush, { timeout: 2000 })
        : window.setTimeout(flush, 500);
    },
    flush,
    /// Measures where the box is, for the next request. A page that changes several panels in
    /// one update measures them all before it changes any: the layout is then the one already
    /// on screen, and costs nothing, where a request after the table grew lays the page out
    /// again (an 8 × 32 network's Step laid it out three times: docs/bench.md, eleventh session).
    measure() {
      measured = Observer ? near() : null;
    },
    /// Whether a drawing waits.
    waiting: () => waiting,
  };
}

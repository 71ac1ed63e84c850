// When a panel's drawing runs (web/js/offscreen.js): a small one at once, a large one at once
// when its box is within a screen of the view, else once it comes near or the page is idle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offscreenDraw } from '../../web/js/offscreen.js';

/// A box at `top` px from the view's top (a screen is 900 px), with its attributes.
function fakeBox(top) {
  const attributes = new Map();
  return {
    top,
    getBoundingClientRect() {
      return { top: this.top, bottom: this.top + 400 };
    },
    setAttribute: (name, value) => attributes.set(name, value),
    removeAttribute: (name) => attributes.delete(name),
    attributes,
  };
}

/// A window whose IntersectionObserver and idle callbacks the test runs by hand.
function fakeWindow() {
  const window = {
    innerHeight: 900, observers: [], idle: [],
    IntersectionObserver: class {
      constructor(callback, options) {
        this.callback = callback;
        this.options = options;
        window.observers.push(this);
      }

      observe(box) {
        this.box = box;
      }
    },
    requestIdleCallback(f) {
      window.idle.push(f);
      return window.idle.length;
    },
    cancelIdleCallback(id) {
      window.idle[id - 1] = null;
    },
  };
  return window;
}

test('a small drawing, or a large one near the view, is drawn at once', () => {
  const window = fakeWindow();
  const box = fakeBox(12000);
  let draws = 0;
  const drawing = offscreenDraw(box, () => { draws += 1; }, window);
  drawing.request(false);
  assert.equal(draws, 1, 'small: at once, wherever it is');
  box.top = 1700;  // within a screen below the view
  drawing.request(true);
  assert.equal(draws, 2);
  assert.equal(drawing.waiting(), false);
  assert.equal(window.idle.length, 0);
  assert.equal(window.observers[0].options.rootMargin, '100% 0px');
});

test('a large drawing far from the view waits, marked busy, until it comes near', () => {
  const window = fakeWindow();
  const box = fakeBox(12000);
  let draws = 0;
  const drawing = offscreenDraw(box, () => { draws += 1; }, window);
  drawing.request(true);
  drawing.request(true);  // a second Step: still one drawing waiting, one idle callback
  assert.equal(draws, 0);
  assert.equal(drawing.waiting(), true);
  assert.equal(box.attributes.get('aria-busy'), 'true');
  assert.equal(window.idle.length, 1);
  window.observers[0].callback([{ isIntersecting: false }]);
  assert.equal(draws, 0, 'still far');
  window.observers[0].callback([{ isIntersecting: true }]);
  assert.equal(draws, 1, 'scrolled near: drawn once');
  assert.equal(box.attributes.has('aria-busy'), false);
  assert.equal(window.idle[0], null, 'the idle callback is cancelled');
  window.observers[0].callback([{ isIntersecting: true }]);
  assert.equal(draws, 1, 'nothing waits any more');
});

test('a waiting drawing is made when the page is idle, or when flushed (before a copy)', () => {
  const window = fakeWindow();
  const box = fakeBox(-5000);  // far above the view
  let draws = 0;
  const drawing = offscreenDraw(box, () => { draws += 1; }, window);
  drawing.request(true);
  window.idle[0]();
  assert.equal(draws, 1);
  drawing.request(true);
  drawing.flush();
  assert.equal(draws, 2);
  drawing.flush();
  assert.equal(draws, 2, 'flush draws only what waits');
});

test('without IntersectionObserver (node) every request draws at once', () => {
  const box = fakeBox(12000);
  let draws = 0;
  const drawing = offscreenDraw(box, () => { draws += 1; }, {});
  drawing.request(true);
  drawing.request(true);
  assert.equal(draws, 2);
  assert.equal(box.attributes.size, 0);
});

test('measure() takes the box\'s place for the next request only; without it, a request measures', () => {
  const window = fakeWindow();
  const box = fakeBox(12000);
  let draws = 0;
  let reads = 0;
  const read = box.getBoundingClientRect;
  box.getBoundingClientRect = function rect() {
    reads += 1;
    return read.call(this);
  };
  const drawing = offscreenDraw(box, () => { draws += 1; }, window);
  box.top = 100;
  drawing.measure();  // near, before the page changes
  box.top = 12000;    // the table grew above it
  drawing.request(true);
  assert.equal(draws, 1, 'drawn where it was measured');
  assert.equal(reads, 1, 'the request did not measure again');
  drawing.request(true);
  assert.equal(draws, 1, 'the next request measures anew: far, it waits');
  assert.equal(reads, 2);
  box.top = 12000;
  drawing.measure();
  box.top = 100;
  drawing.request(true);
  assert.equal(draws, 1, 'measured far: it waits for the observer or the idle page');
  assert.equal(drawing.waiting(), true);
});

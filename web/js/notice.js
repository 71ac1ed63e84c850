// The page's notice bar: one line held at the top of the view (styles.css `.notice-bar`, sticky)
// for what happens where no control was used — a share link opened or refused, the session saved
// in this browser. Two live regions that stay in the page: `role="status"` for news,
// `role="alert"` for what went wrong, so a screen reader announces each message once. Actions
// (e.g. "Back to my session") are buttons beside the text. Text goes in through textContent only.
import { el } from './dom.js';

/// Wires the notice bar of `document` (`#notice-bar`). Returns `{ show(message, { kind,
/// actions }), clear(), text() }`: `kind` is 'info' or 'error'; `actions` is a list of
/// `{ label, onClick }`, each a button beside the message.
export function createNotice(document) {
  const bar = document.getElementById('notice-bar');
  const info = document.getElementById('notice');
  const alert = document.getElementById('notice-error');
  const actions = document.getElementById('notice-actions');
  const root = document.documentElement;

  // The tutor's verdict sticks below the bar (tutor.css): it reads the bar's height from here.
  // Set when the bar's size changes (a ResizeObserver runs after layout, before paint), not
  // read at each message: reading offsetHeight laid out the whole page then, and a new value on
  // the root restyles every element (8,000 fields of a large network's builder).
  function measure() {
    const height = `${bar.offsetHeight}px`;
    if (root.style.getPropertyValue('--notice-height') !== height) root.style.setProperty('--notice-height', height);
  }
  const Observer = document.defaultView?.ResizeObserver;
  if (Observer) new Observer(measure).observe(bar);
  const remeasure = Observer ? () => {} : measure;

  function clear() {
    info.textContent = '';
    alert.textContent = '';
    actions.replaceChildren();
    bar.classList.add('is-empty');
    remeasure();
  }

  function show(message, { kind = 'info', actions: list = [] } = {}) {
    (kind === 'error' ? info : alert).textContent = '';
    (kind === 'error' ? alert : info).textContent = message;
    const buttons = list.map(({ label, onClick }) => {
      const button = el('button', 'small', label);
      button.type = 'button';
      button.addEventListener('click', onClick);
      return button;
    });
    const close = el('button', 'small quiet icon notice-close', '✕');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss the message');
    close.title = 'Dismiss the message';
    close.addEventListener('click', clear);
    actions.replaceChildren(...buttons, close);
    bar.classList.remove('is-empty');
    remeasure();
  }

  if (!Observer) document.defaultView?.addEventListener('resize', measure);
  clear();
  return { show, clear, text: () => info.textContent || alert.textContent };
}

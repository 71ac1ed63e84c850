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
  function measure() {
    root.style.setProperty('--notice-height', `${bar.offsetHeight}px`);
  }

  function clear() {
    info.textContent = '';
    alert.textContent = '';
    actions.replaceChildren();
    bar.classList.add('is-empty');
    measure();
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
    measure();
  }

  document.defaultView?.addEventListener('resize', measure);
  clear();
  return { show, clear, text: () => info.textContent || alert.textContent };
}

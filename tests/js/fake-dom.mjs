// A document of inert elements for the panel tests: the panels wire their controls to it and
// write text into it, without a browser.

/// An element that takes listeners, text and attributes and does nothing with them.
export function inert() {
  return {
    dataset: {}, style: {}, hidden: false, textContent: '', value: '', listeners: {},
    addEventListener(type, f) { this.listeners[type] = f; },
    classList: { add() {}, remove() {}, toggle() {} },
    setAttribute() {}, querySelector: () => null,
  };
}

/// A document whose getElementById makes (and keeps, in `elements`) an inert element per id.
export function fakeDocument() {
  const elements = new Map();
  const byId = (id) => {
    if (!elements.has(id)) elements.set(id, inert());
    return elements.get(id);
  };
  return { getElementById: byId, querySelectorAll: () => [], querySelector: () => inert(), elements };
}

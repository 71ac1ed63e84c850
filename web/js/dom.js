// The one helper every drawing module uses to make an element: text goes in through
// textContent only, never as HTML.

/// A `tag` element with `className` (if any) and `text` (if given) as its text.
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The one helper every drawing module uses to make an element: text goes in through
// textContent only, never as HTML.

/// A `tag` element with `className` (if any) and `text` (if given) as its text.
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/// A header cell: `text` heading its column (scope "col", the default) or its row ("row").
export function headerCell(text, scope = 'col') {
  const th = el('th', '', text);
  th.scope = scope;
  return th;
}

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

/// A uPlot series' legend value for a chart that grows by an epoch at a time: the point under
/// the pointer, and with the pointer elsewhere (no index: uPlot would write "--" or "—") the
/// latest epoch's, `format`ted. A chart's legend then always reads numbers once it has any.
export function latestInLegend(format) {
  return (u, v, series, index) => format(index == null ? u.data[series].at(-1) : v);
}

/// A uPlot axis (`options`: label, size, values, …) in the page's colours, read from `element`'s
/// CSS: its numbers and label in the muted text colour, its grid and ticks in the border colour.
/// uPlot's own defaults are black on black in the dark theme.
export function themedAxis(element, options) {
  const css = getComputedStyle(element);
  const get = (name) => css.getPropertyValue(name).trim();
  return {
    stroke: get('--muted'), grid: { stroke: get('--border'), width: 1 }, ticks: { stroke: get('--border'), width: 1 },
    ...options,
  };
}

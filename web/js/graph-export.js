// The graph's exports: a standalone SVG document of what is drawn (its own light styles,
// no focus or hover state) and a PNG of it at twice the size. Needs a DOM (the drawn <svg>).
import { downloadBlob } from './download.js';

// The look of the standalone file: the page's light colours, fonts every viewer has.
const kExportCss = `
text { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 12px; fill: #1a1d23; text-anchor: middle; }
.graph-caption { text-anchor: start; font-weight: bold; font-size: 13px; }
.graph-col { font-weight: bold; fill: #555e6b; }
.graph-col-sub { font-weight: normal; font-size: 11px; }
.graph-sym, .graph-act { font-family: "DejaVu Serif", "Times New Roman", serif; font-style: italic; font-size: 15px; }
.graph-act { font-style: normal; font-size: 13px; fill: #3730a3; }
.graph-side { font-size: 12px; text-anchor: start; }
.graph-side-left { text-anchor: end; }
.graph-value { font-size: 11.5px; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
.graph-label text { font-size: 11.5px; }
.graph-label rect { fill: #ffffff; }
.graph-grad { fill: #9a5b00; }
.graph-key { font-size: 11px; text-anchor: start; fill: #555e6b; }
.graph-line { fill: none; stroke: #0a6ebd; }
.graph-line.neg, .neg .graph-line { stroke: #d55e00; stroke-dasharray: 6 3; }
.graph-line.zero, .zero .graph-line { stroke: #8a94a3; }
.graph-dense .graph-line { stroke-opacity: 0.6; }
.graph-node { fill: #eef0fd; stroke: #4338ca; stroke-width: 2px; }
.graph-node-input { fill: #ffffff; stroke: #1a1d23; stroke-width: 1.5px; }
.graph-out-arrow { fill: none; stroke: #555e6b; stroke-width: 1.5px; }
`;

/// A standalone SVG document of `svg` (the graph panel's drawing): white background, its own
/// styles, no focus or hover state, no hit areas. The text of Export SVG.
export function standaloneSvg(svg) {
  const doc = svg.ownerDocument;
  const svgEl = (tag) => doc.createElementNS(svg.namespaceURI, tag);
  const copy = svg.cloneNode(true);
  copy.querySelector('.graph-float')?.remove();
  for (const hit of copy.querySelectorAll('.graph-hit')) hit.remove();
  for (const part of copy.querySelectorAll('[tabindex]')) {
    for (const attribute of ['tabindex', 'role', 'aria-label']) part.removeAttribute(attribute);
  }
  for (const attribute of ['role', 'aria-label', 'aria-describedby', 'style']) copy.removeAttribute(attribute);
  const title = svgEl('title');
  title.textContent = svg.getAttribute('aria-label');
  const style = svgEl('style');
  style.textContent = kExportCss;
  const background = svgEl('rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  copy.prepend(title, style, background);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/// Draws the SVG document `svgText` (of a drawing `width` × `height` px) onto a canvas at twice
/// its size and offers it as network.png.
export async function exportPng(doc, svgText, { width, height }) {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = doc.createElement('canvas');
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((done) => canvas.toBlob(done, 'image/png'));
    downloadBlob('network.png', blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

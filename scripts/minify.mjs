// Minifies the page's own scripts in a built site folder, in place (scripts/build.sh site): every
// js/*.js with terser (npm), each with a source map beside it (NAME.js.map, the original text
// inside), which a browser fetches only when its developer tools are open. ES modules (a file with
// import or export) are minified as modules; the Web Workers' classic scripts keep their
// top-level names. The lecture page's own files went from 106 to about 74 KB gzipped
// (docs/bench.md, tenth session).
//   node scripts/minify.mjs SITE_DIR
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minify } from 'terser';

const site = process.argv[2];
if (!site) {
  console.error('usage: node scripts/minify.mjs SITE_DIR');
  process.exit(2);
}
const dir = join(site, 'js');
for (const name of (await readdir(dir)).filter((f) => f.endsWith('.js')).sort()) {
  const file = join(dir, name);
  const code = await readFile(file, 'utf8');
  const module = /^\s*(import|export)\b/m.test(code);
  const out = await minify({ [name]: code }, {
    module,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
    sourceMap: { filename: name, url: `${name}.map`, includeSources: true },
  });
  await writeFile(file, out.code);
  await writeFile(`${file}.map`, out.map);
}

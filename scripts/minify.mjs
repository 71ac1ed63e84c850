// Minifies the scripts of a built site folder, in place (scripts/build.sh site), with terser (npm):
// - the page's own scripts, every js/*.js, each with a source map beside it (NAME.js.map, the
//   original text inside), which a browser fetches only when its developer tools are open. ES
//   modules (a file with import or export) are minified as modules; the Web Workers' classic
//   scripts keep their top-level names. The lecture page's own files went from 106 to 67 KB
//   gzipped (docs/bench.md, tenth session);
// - the Emscripten modules' JavaScript, every nntutor_*.js at the top (classic scripts: their
//   top-level names, such as createEngine, stay), without a source map: it is generated code, and
//   its readable text is build/wasm/NAME.js. Emscripten 3.1.6 only strips its whitespace; terser
//   took the engine's from 13.2 to 9.1 KB gzipped (docs/bench.md, eleventh session).
//   node scripts/minify.mjs SITE_DIR
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minify } from 'terser';

const site = process.argv[2];
if (!site) {
  console.error('usage: node scripts/minify.mjs SITE_DIR');
  process.exit(2);
}
const scripts = (names) => names.filter((f) => f.endsWith('.js')).sort();

const dir = join(site, 'js');
for (const name of scripts(await readdir(dir))) {
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

for (const name of scripts(await readdir(site)).filter((f) => f.startsWith('nntutor_'))) {
  const file = join(site, name);
  const out = await minify(await readFile(file, 'utf8'), {
    ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false },
  });
  await writeFile(file, out.code);
}

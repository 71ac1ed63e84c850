// A small static file server for the built site (build/site), bound to the loopback address.
// Usage: node scripts/serve.mjs [DIR] ; PORT (default 8000) and HOST (default 127.0.0.1) override.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const kTypes = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff',
  '.ttf': 'font/ttf', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
};

/// The Content-Security-Policy sent with every response: the policy the pages' meta tags set
/// (web/index.html, web/trainer.html: the union of the two), plus `frame-ancestors 'none'`,
/// which a meta tag cannot set (no site may frame the pages). It goes on every response, not
/// only the HTML: a Web Worker (js/trainer-worker.js) runs under its own script's policy, and
/// it compiles WebAssembly ('wasm-unsafe-eval').
export const kContentSecurityPolicy = [
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "style-src 'self'",
  "img-src 'self' data: blob:", "connect-src 'self' data:", "frame-ancestors 'none'",
].join('; ');

/// The security headers of every response (docs/page.md, "Serving", lists them for other hosts):
/// the policy above; nosniff, so a file is run or styled only under its declared type; and no
/// Referer at all (the pages link only to each other and fetch nothing from elsewhere, so no
/// request needs to say where it came from).
export const kSecurityHeaders = {
  'Content-Security-Policy': kContentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/// Starts serving `root`; resolves to the http.Server once it listens.
export function serve(root, { port = 8000, host = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { ...kSecurityHeaders, 'Content-Type': kTypes[extname(file)] ?? 'application/octet-stream',
                           'Cache-Control': 'no-cache' });
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 404 : 500, { ...kSecurityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'not found\n' : 'server error\n');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'build/site';
  const port = Number(process.env.PORT ?? 8000);
  const host = process.env.HOST ?? '127.0.0.1';
  serve(root, { port, host }).then(
    () => console.log(`nntutor: serving ${root} at http://localhost:${port}/  (Ctrl+C to stop)`),
    (e) => { console.error(`nntutor: cannot serve on port ${port}: ${e.message}`); process.exit(2); });
}

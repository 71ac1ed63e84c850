// A small static file server for the built site (build/site), bound to the loopback address.
// Usage: node scripts/serve.mjs [DIR] ; PORT (default 8000) and HOST (default 127.0.0.1) override;
// ISOLATE=0 leaves out the cross-origin isolation headers (the trainer then runs on one thread).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const kTypes = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.map': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
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

/// The headers that make a page cross-origin isolated (docs/threads.md): a page opened by another
/// site shares no browsing context group with it (COOP), and every resource must be same-origin
/// or agree to be embedded (COEP; the pages load nothing from elsewhere). Then `crossOriginIsolated`
/// is true, SharedArrayBuffer exists, and the trainer's worker runs the threaded module.
export const kIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/// Starts serving `root`; resolves to the http.Server once it listens. `isolate` adds the
/// isolation headers above to every response (`npm start` does; the e2e harness's server does not,
/// so the pages are tested as a host without those headers serves them, and tests/e2e/threads.test.mjs
/// serves them isolated). `maxAge` (seconds), instead of `no-cache`, lets the browser keep each file
/// that long without asking again, as many static hosts do (GitHub Pages: 10 minutes): the e2e
/// harness serves a site that does not change during a run, and each page load then asks for
/// nothing it has (about 0.2 CPU-seconds of the browser's per load of the lecture page, 46 files:
/// docs/testing.md).
export function serve(root, { port = 8000, host = '127.0.0.1', isolate = false, maxAge = 0 } = {}) {
  const base = resolve(root);
  const headers = isolate ? { ...kSecurityHeaders, ...kIsolationHeaders } : kSecurityHeaders;
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      // `no-cache` with a validator, as static hosts serve: the browser asks each time, so a
      // rebuilt file is never stale, and gets 304 Not Modified (headers only) while the file is
      // unchanged, keeping its cached copy instead of downloading the 1.5 MB modules again.
      const cache = maxAge > 0 ? `max-age=${maxAge}` : 'no-cache';
      const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const type = { ...headers, 'Content-Type': kTypes[extname(file)] ?? 'application/octet-stream',
                     'Cache-Control': cache, ETag: etag, 'Last-Modified': info.mtime.toUTCString() };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, type);
        res.end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, type);
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 404 : 500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'not found\n' : 'server error\n');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

/// Stops `server` (null: nothing to stop) and resolves once it is closed. `server.close()` alone
/// waits for every open connection to end, and a browser that stays open keeps some: Chromium
/// shares its sockets across its contexts, and one still reading a response is not idle, so the
/// close waited for ever (the browser suite's lane, which keeps its Chromium for the next file, in
/// CI on 2026-12-05). Every connection is closed first.
export function stop(server) {
  if (!server) return Promise.resolve();
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'build/site';
  const port = Number(process.env.PORT ?? 8000);
  const host = process.env.HOST ?? '127.0.0.1';
  const isolate = process.env.ISOLATE !== '0';
  serve(root, { port, host, isolate }).then(
    () => console.log(`nntutor: serving ${root} at http://localhost:${port}/  (Ctrl+C to stop)` +
                      (isolate ? '; cross-origin isolated (threads)' : '')),
    (e) => { console.error(`nntutor: cannot serve on port ${port}: ${e.message}`); process.exit(2); });
}

// A static server for the scanner (no dependencies): correct types, the app's
// Content-Security-Policy as a header, and nothing logged about requests.
//
// When the build names a registry in DIR/trust/config.json ("registry": "http://…"), its
// origin is allowed in `connect-src`, in the header and in the page's own CSP meta tag, so
// the scanner may fetch the signed lists and send the reports a person chooses to send.
// `REGISTRY_URL` in the environment (command line only) points the served scanner at
// another registry: config.json is then served with that address.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.pdf': 'application/pdf',
  '.cose': 'application/cose', '.txt': 'text/plain; charset=utf-8',
};
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The origin of an http(s) address, or null. */
export function originOf(address) {
  try {
    const u = new URL(address);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** A CSP (header value or meta content) whose `connect-src` also allows `origins`. */
export function allowConnect(policy, origins = []) {
  const extra = [...new Set(origins.map(originOf).filter(Boolean))].filter((o) => !policy.includes(` ${o}`));
  return extra.length ? policy.replace("connect-src 'self'", `connect-src 'self' ${extra.join(' ')}`) : policy;
}

/** The page with its CSP meta tag's `connect-src` also allowing `origins`. */
export function allowConnectInPage(html, origins = []) {
  return html.replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/, (_, a, policy, b) => a + allowConnect(policy, origins) + b);
}

/** The registry named in DIR/trust/config.json, if any. */
function configuredRegistry(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'trust/config.json'), 'utf8')).registry || null;
  } catch {
    return null;
  }
}

/**
 * Serves `dir`. `connect`: more origins for `connect-src` (default: the registry named in
 * trust/config.json). `registry`: serve trust/config.json with this registry address instead.
 * `csp: false`: no Content-Security-Policy header (a site that sets its own, or none).
 */
export function serve(dir, port = 8080, host = '127.0.0.1', { connect, registry, csp = true } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'); return; }
    const origins = connect || [registry || configuredRegistry(dir)].filter(Boolean);
    let content = readFileSync(file);
    if (extname(file) === '.html') content = Buffer.from(allowConnectInPage(content.toString('utf8'), origins));
    if (registry && file === join(dir, 'trust/config.json')) {
      content = Buffer.from(JSON.stringify({ ...JSON.parse(content.toString('utf8')), registry }, null, 2));
    }
    // Revalidation by ETag and compression, as any static host does, so that measured
    // transfer sizes are real (the service worker revalidates what the page just loaded).
    const etag = `"${createHash('sha1').update(content).digest('base64url')}"`;
    if (req.headers['if-none-match'] === etag) { res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' }).end(); return; }
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '') && !/\.(png|pdf)$/.test(file);
    const body = gzip ? gzipSync(content, { level: 9 }) : content;
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
      ...(csp ? { 'Content-Security-Policy': allowConnect(CSP, origins) } : {}),
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Content-Length': body.length,
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL(`../${process.argv[2] || 'web/dist'}`, import.meta.url).pathname.replace(/\/$/, '');
  const port = Number(process.argv[3] || process.env.PORT || 8080);
  const registry = originOf(process.env.REGISTRY_URL || '') ? process.env.REGISTRY_URL.replace(/\/+$/, '') : undefined;
  await serve(dir, port, '127.0.0.1', { registry });
  console.log(`serving ${dir} on http://localhost:${port}/${registry ? ` (registry ${registry})` : ''}`);
}

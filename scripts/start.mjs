// `npm start`: set up, build, and serve the scanner, the registry and the demo labels.
import { rmSync } from 'node:fs';
import { setup } from './setup.mjs';
import { build } from './build.mjs';
import { serve } from './serve.mjs';
import { DEMO_REVIEWER, seedDemo, startRegistry } from './registry.mjs';

const port = Number(process.env.PORT || 8080);
const registryPort = Number(process.env.REGISTRY_PORT || port + 1);
const registry = `http://127.0.0.1:${registryPort}`;
setup();
build({ link: `HTTP://LOCALHOST:${port}/`, registry });
const root = new URL('..', import.meta.url).pathname;
const dir = `${root}web/dist`;
// The demo registry starts afresh each time, on the demo labels this build made.
const file = `${root}target/demo-registry.db`;
for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
const database = `sqlite://${file}`;
const tokens = seedDemo(database);
await startRegistry({ port: registryPort, database, manifest: `${dir}/demo/manifest.json`, tokens });
await serve(dir, port);
console.log(`\niotmark scanner: http://localhost:${port}/`);
console.log(`iotmark registry: ${registry}/ (reviewers' console ${registry}/console/, sign in as ${DEMO_REVIEWER.email} / ${DEMO_REVIEWER.password})`);
console.log(`printable demo labels (SVG, PDF, PNG): ${dir}/demo/labels/`);
console.log(`  also at http://localhost:${port}/demo/labels/ ; open e.g. http://localhost:${port}/demo/labels/smart-speaker-sticker.png on another screen and scan it`);
console.log('Press Ctrl+C to stop.');

// `npm start`: set up, build, and serve the scanner with the demo labels.
import { setup } from './setup.mjs';
import { build } from './build.mjs';
import { serve } from './serve.mjs';

const port = Number(process.env.PORT || 8080);
setup();
build({ link: `HTTP://LOCALHOST:${port}/` });
const dir = new URL('../web/dist', import.meta.url).pathname;
await serve(dir, port);
console.log(`\niotmark scanner: http://localhost:${port}/`);
console.log(`printable demo labels (SVG, PDF, PNG): ${dir}/demo/labels/`);
console.log(`  also at http://localhost:${port}/demo/labels/ ; open e.g. http://localhost:${port}/demo/labels/smart-speaker-sticker.png on another screen and scan it`);
console.log('Press Ctrl+C to stop.');

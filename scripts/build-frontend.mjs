// Builds static/dist/ from node_modules and frontend/: the Tailwind stylesheet, Alpine's
// CSP build (minified), and one SVG sprite holding only the Lucide icons the templates use
// ({% icon "name" %}), so pages fetch a few kilobytes instead of 2,500 icon files.
// Run by `make` (see the Makefile's static/dist/.built target), never by hand in production.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "static/dist");
mkdirSync(dist, { recursive: true });

execFileSync(
  join(root, "node_modules/.bin/tailwindcss"),
  ["-i", "frontend/toto.css", "-o", "static/dist/toto.css", "--minify"],
  { cwd: root, stdio: "inherit" },
);

// Alpine's CSP build (no eval or new Function: the Content-Security-Policy has no
// 'unsafe-eval'), started at DOMContentLoaded instead of right after its own script: by then
// every deferred and module script of the page has run, so each can register its components
// with Alpine.data() wherever it is loaded (docs/design.md "CSP rules").
const alpine = readFileSync(join(root, "node_modules/@alpinejs/csp/dist/cdn.min.js"), "utf8");
const autoStart = /queueMicrotask\(\(\)=>\{(\w+)\.start\(\)\}\)/g;
if ((alpine.match(autoStart) || []).length !== 1) {
  console.error("build-frontend: Alpine's auto-start was not found once in @alpinejs/csp's build");
  process.exit(1);
}
writeFileSync(
  join(dist, "alpine.min.js"),
  alpine.replace(autoStart, 'document.addEventListener("DOMContentLoaded",()=>{$1.start()},{once:true})'),
);

// Chart.js (the admin's analytics dashboards), served from our own static files: the
// admin's Content-Security-Policy allows only self scripts.
// Without its source-map comment: the map is not shipped, and production's manifest storage
// fails collectstatic on a reference to a file that does not exist.
writeFileSync(
  join(dist, "chart.umd.min.js"),
  readFileSync(join(root, "node_modules/chart.js/dist/chart.umd.min.js"), "utf8").replace(
    /\n?\/\/# sourceMappingURL=\S+\s*$/,
    "\n",
  ),
);

// Icons the templates name, plus the ones JavaScript sets at run time (listed in
// frontend/icons.txt, one per line).
const ICON_TAG = /\{%\s*icon\s+["']([a-z0-9-]+)["']/g;
const names = new Set(
  readFileSync(join(root, "frontend/icons.txt"), "utf8").split(/\s+/).filter(Boolean),
);
function scan(folder) {
  if (!existsSync(folder)) return;
  for (const entry of readdirSync(folder)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) scan(path);
    else if (entry.endsWith(".html")) {
      for (const match of readFileSync(path, "utf8").matchAll(ICON_TAG)) names.add(match[1]);
    }
  }
}
for (const folder of ["templates", "platform", "cms"]) scan(join(root, folder));

const icons = join(root, "node_modules/lucide-static/icons");
const symbols = [];
for (const name of [...names].sort()) {
  const file = join(icons, `${name}.svg`);
  if (!existsSync(file)) {
    console.error(`build-frontend: no Lucide icon named "${name}" (${relative(root, icons)})`);
    process.exit(1);
  }
  const svg = readFileSync(file, "utf8");
  const body = svg.replace(/^[\s\S]*?<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "").trim();
  symbols.push(
    `<symbol id="${name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" ` +
      `stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</symbol>`,
  );
}
writeFileSync(
  join(dist, "icons.svg"),
  `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join("")}</svg>\n`,
);

// The installable app (docs/pwa.md): idb as an ES module for the outbox
// (static/js/pwa/outbox-store.js imports ../../dist/idb.js), then the service worker,
// bundled from Workbox's npm modules. The pwa app serves static/dist/sw.js at /sw.js and
// puts the precache list where self.__WB_MANIFEST stands.
const esbuild = join(root, "node_modules/.bin/esbuild");
execFileSync(
  esbuild,
  ["node_modules/idb/build/index.js", "--bundle", "--format=esm", "--minify", "--outfile=static/dist/idb.js", "--log-level=warning"],
  { cwd: root, stdio: "inherit" },
);
execFileSync(
  esbuild,
  [
    "frontend/pwa/sw.js", "--bundle", "--format=iife", "--minify", "--target=es2020",
    "--define:process.env.NODE_ENV=\"production\"", "--outfile=static/dist/sw.js", "--log-level=warning",
  ],
  { cwd: root, stdio: "inherit" },
);
for (const placeholder of ["self.__WB_MANIFEST", "self.__TOTO_LESSON_CACHE_BYTES"]) {
  if (!readFileSync(join(dist, "sw.js"), "utf8").includes(placeholder)) {
    console.error(`build-frontend: ${placeholder} is missing from the bundled service worker`);
    process.exit(1);
  }
}

// Compressed copies beside the text files, which WhiteNoise sends to browsers that accept
// them (Content-Encoding br or gzip, Vary: Accept-Encoding) also when it serves from the source
// folders (`make run`, the browser tests): a phone on 3G fetches toto.css as ~16 kB instead of
// ~78 kB. Only here in dist/, which this script rewrites whole; production's collectstatic
// ignores these and makes its own for the hashed names.
const TEXT = ["toto.css", "alpine.min.js", "chart.umd.min.js", "icons.svg", "idb.js"];
for (const name of TEXT) {
  const body = readFileSync(join(dist, name));
  writeFileSync(join(dist, `${name}.gz`), gzipSync(body, { level: 9 }));
  writeFileSync(
    join(dist, `${name}.br`),
    brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  );
}

console.log(`build-frontend: toto.css, alpine.min.js, chart.umd.min.js, icons.svg (${symbols.length} icons), idb.js, sw.js`);

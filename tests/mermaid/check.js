#!/usr/bin/env node
'use strict';
// Renders every ```mermaid block of the given Markdown files with the real mermaid package in
// headless Chromium and reports each one:
//
//   FILE: diagram N: ok
//   FILE: diagram N: error: MESSAGE
//
// Exit status: 0 when every diagram rendered, 1 when any failed (or no diagram was found), 2 on a
// usage or setup error, 77 when no Chromium can be found (ctest's SKIP_RETURN_CODE).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { extractMermaid } = require('./markdown.js');
const { pngStats } = require('./png.js');

const EXIT_OK = 0;
const EXIT_ERRORS = 1;
const EXIT_USAGE = 2;
const EXIT_SKIP = 77;

const USAGE = `usage: check.js [options] PATH...

Renders each \`\`\`mermaid block of the Markdown files given (a directory means every *.md below
it) in headless Chromium with the mermaid package, and prints "FILE: diagram N: ok" or
"FILE: diagram N: error: MESSAGE" for each.

options:
  --png DIR            save the first diagram of each file as DIR/<file name>.png
  --chromium PATH      the browser (default: $EVENTC_CHROMIUM, else chromium, chromium-browser,
                       google-chrome or google-chrome-stable from PATH)
  --node-modules DIR   where mermaid and playwright-core are installed (default: the
                       node_modules folder next to this script)
  --timeout SECONDS    give up on a diagram after this long (default 20)
  --allow-empty        succeed when the files hold no diagram at all
  -h, --help           show this text

exit status: 0 all rendered, 1 some diagram failed or none was found, 2 usage or setup error,
77 no Chromium found`;

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = {
    png: null,
    chromium: null,
    nodeModules: path.join(__dirname, 'node_modules'),
    timeoutMs: 20000,
    allowEmpty: false,
    paths: [],
  };
  const value = (i, name) => {
    if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      opts.paths.push(...argv.slice(i + 1));
      break;
    } else if (arg === '-h' || arg === '--help') {
      opts.help = true;
    } else if (arg === '--png') {
      opts.png = value(i++, arg);
    } else if (arg === '--chromium') {
      opts.chromium = value(i++, arg);
    } else if (arg === '--node-modules') {
      opts.nodeModules = value(i++, arg);
    } else if (arg === '--timeout') {
      const seconds = Number(value(i++, arg));
      if (!(seconds > 0)) throw new UsageError('--timeout needs a positive number of seconds');
      opts.timeoutMs = seconds * 1000;
    } else if (arg === '--allow-empty') {
      opts.allowEmpty = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      opts.paths.push(arg);
    }
  }
  if (!opts.help && opts.paths.length === 0) throw new UsageError('no Markdown file given');
  return opts;
}

/** The Markdown files named by the arguments, directories expanded to their *.md, sorted. */
function collectFiles(paths) {
  const files = [];
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.md')) files.push(full);
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      const why = err.code === 'ENOENT' ? 'no such file or directory' : err.message;
      throw new UsageError(`${p}: ${why}`);
    }
    if (stat.isDirectory()) walk(p);
    else files.push(p);
  }
  return files;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The browser to run: the option, then $EVENTC_CHROMIUM, then the usual names on PATH. A browser
 * named explicitly must exist (UsageError); none on PATH gives null, which is a skip.
 */
function findChromium(explicit) {
  const named = explicit || process.env.EVENTC_CHROMIUM;
  if (named) {
    if (!isExecutable(named)) throw new UsageError(`${named}: no such browser executable`);
    return named;
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const name of names) {
      if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
    }
  }
  return null;
}

/**
 * Loads playwright-core from the given node_modules folder and writes the page template, filled
 * with the URL of mermaid.min.js from the same folder, into a fresh temporary directory.
 */
function prepare(nodeModules, workDir) {
  const mermaidJs = path.join(nodeModules, 'mermaid', 'dist', 'mermaid.min.js');
  if (!fs.existsSync(mermaidJs)) {
    throw new UsageError(
      `${mermaidJs} not found: install the pinned packages with ` +
        `'npm ci' in a copy of ${__dirname}/package*.json and pass --node-modules`,
    );
  }
  let playwright;
  try {
    playwright = require(path.join(path.resolve(nodeModules), 'playwright-core'));
  } catch (err) {
    throw new UsageError(`cannot load playwright-core from ${nodeModules}: ${err.message}`);
  }
  const version = JSON.parse(
    fs.readFileSync(path.join(nodeModules, 'mermaid', 'package.json'), 'utf8'),
  ).version;
  const template = fs.readFileSync(path.join(__dirname, 'page.html'), 'utf8');
  const page = path.join(workDir, 'page.html');
  fs.writeFileSync(
    page,
    template.replaceAll('{{MERMAID_SRC}}', pathToFileURL(path.resolve(mermaidJs)).href),
  );
  return { playwright, pageUrl: pathToFileURL(page).href, mermaidVersion: version };
}

// ---- what runs inside the page ----

/* global mermaid */
function pageInit() {
  if (typeof mermaid === 'undefined') return 'mermaid.min.js did not load';
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'default',
    logLevel: 'fatal',
  });
  window.__pageErrors = [];
  window.addEventListener('error', (e) => window.__pageErrors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) =>
    window.__pageErrors.push(String((e.reason && e.reason.message) || e.reason)),
  );
  return null;
}

/**
 * Parses and renders one diagram, leaves its SVG in #stage and inspects it. Returns
 * {ok: true, type, labels, width, height} or {ok: false, stage, message}.
 */
async function pageRender({ id, source }) {
  const stage = document.getElementById('stage');
  stage.replaceChildren();
  // mermaid.render works in a temporary element it may leave behind when it fails.
  for (const el of Array.from(document.body.children)) {
    if (el !== stage && el.tagName !== 'SCRIPT') el.remove();
  }
  window.__pageErrors.length = 0;
  const fail = (stageName, err) => ({
    ok: false,
    stage: stageName,
    message: String((err && (err.message || err.str)) || err),
  });

  let type;
  try {
    const parsed = await mermaid.parse(source);
    if (!parsed) return fail('parse', 'mermaid.parse rejected the diagram');
    type = parsed.diagramType;
  } catch (err) {
    return fail('parse', err);
  }
  let svg;
  try {
    svg = (await mermaid.render(id, source)).svg;
  } catch (err) {
    return fail('render', err);
  }
  if (window.__pageErrors.length > 0) return fail('render', window.__pageErrors.join('; '));
  if (typeof svg !== 'string' || !svg.includes('<svg')) return fail('render', 'no SVG produced');

  stage.innerHTML = svg;
  const root = stage.querySelector('svg');
  if (!root) return fail('render', 'the SVG does not parse');
  if (root.getAttribute('aria-roledescription') === 'error' || root.querySelector('.error-icon')) {
    const text = root.textContent.replace(/\s+/g, ' ').trim();
    return fail('render', `mermaid drew its error diagram: ${text}`);
  }
  // A layout that failed quietly leaves NaN in coordinates; labels may legitimately say NaN.
  const numeric = ['d', 'transform', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry',
    'width', 'height', 'points', 'viewBox'];
  for (const el of root.querySelectorAll('*')) {
    for (const attr of numeric) {
      const v = el.getAttribute(attr);
      if (v && /(^|[^A-Za-z])NaN([^A-Za-z]|$)/.test(v)) {
        const where = `<${el.tagName} ${attr}="${v.slice(0, 60)}">`;
        return fail('render', `the layout produced NaN coordinates (${where})`);
      }
    }
  }
  // mermaid sizes the SVG to 100% of its container, which an inline-block stage does not have;
  // the viewBox is the diagram's own size.
  const viewBox = root.viewBox && root.viewBox.baseVal;
  if (viewBox && viewBox.width > 0 && viewBox.height > 0) {
    root.setAttribute('width', String(viewBox.width));
    root.setAttribute('height', String(viewBox.height));
    root.style.maxWidth = 'none';
  }
  const box = root.getBoundingClientRect();
  const content = root.getBBox();
  if (!(box.width > 0 && box.height > 0 && content.width > 0 && content.height > 0)) {
    return fail('render', `the SVG is empty (${content.width}x${content.height})`);
  }
  // The labels a reader sees: leaf elements with text and a box on screen.
  const labels = [];
  for (const el of root.querySelectorAll('text, tspan, span, p, div')) {
    if (el.children.length > 0) continue;
    const text = el.textContent.trim();
    if (!text) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none') {
      labels.push(text);
    }
  }
  if (root.textContent.trim() !== '' && labels.length === 0) {
    return fail('render', 'the diagram has text but none of it is visible');
  }
  return { ok: true, type, labels, width: Math.round(box.width), height: Math.round(box.height) };
}

// ---- driver ----

function oneLine(message) {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' | ');
}

/** Shortens mermaid's "Expecting 'A', 'B', ..., got 'X'" to its first few tokens. */
function shortenExpecting(detail) {
  const m = /^Expecting (.*), got (.*)$/.exec(detail);
  if (!m) return detail;
  const tokens = m[1].split(/, (?=')/);
  const shown =
    tokens.length > 6 ? `${tokens.slice(0, 6).join(', ')}, ... (${tokens.length} in all)` : m[1];
  return `got ${m[2]}, expecting ${shown}`;
}

/**
 * Turns mermaid's message into one line. Parse and lexical errors quote the diagram's own line
 * number and an excerpt with a caret under it; they become FILE:LINE of the Markdown file (the
 * diagram starts on the line after its fence), what went wrong, and the offending line in full.
 */
function describe(result, block, file) {
  if (block.source.trim() === '') return 'the mermaid block is empty';
  const lines = result.message.split('\n');
  const head = /^(Parse|Lexical) error on line (\d+)[:.]\s*(.*)$/.exec(lines[0]);
  if (!head) return `${result.stage} error: ${oneLine(result.message)}`;
  const diagramLine = Number(head[2]);
  const caret = lines.findIndex((l) => /^-*\^$/.test(l));
  const detail = oneLine(caret >= 0 ? lines.slice(caret + 1).join('\n') : '');
  const summary = head[3].replace(/\.$/, '').toLowerCase();
  const what = shortenExpecting(detail || summary || 'syntax error');
  const text = (block.source.split('\n')[diagramLine - 1] || '').trim();
  return `${file}:${block.line + diagramLine}: ${head[1].toLowerCase()} error: ${what}` +
    (text ? ` in "${text}"` : '');
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function openPage(context, pageUrl, blocked) {
  const page = await context.newPage();
  // Nothing may come from the network: the check must not depend on it, nor leak to it.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.add(url);
    return route.abort();
  });
  await page.goto(pageUrl, { waitUntil: 'load' });
  const problem = await page.evaluate(pageInit);
  if (problem) throw new Error(problem);
  return page;
}

async function run(opts) {
  const files = collectFiles(opts.paths);
  const jobs = files.map((file) => ({
    file,
    blocks: extractMermaid(fs.readFileSync(file, 'utf8')),
  }));
  const total = jobs.reduce((n, job) => n + job.blocks.length, 0);

  if (total === 0) {
    const kind = opts.allowEmpty ? 'note' : 'error';
    console.log(`${kind}: no mermaid diagram found in ${files.length} file(s)`);
    return opts.allowEmpty ? EXIT_OK : EXIT_ERRORS;
  }
  const chromium = findChromium(opts.chromium);
  if (!chromium) {
    console.log(
      'SKIP: no Chromium found (install the chromium package, or give --chromium or ' +
        '$EVENTC_CHROMIUM); no diagram was checked',
    );
    return EXIT_SKIP;
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventc-mermaid-'));
  let browser;
  try {
    const { playwright, pageUrl, mermaidVersion } = prepare(opts.nodeModules, workDir);
    if (opts.png) fs.mkdirSync(opts.png, { recursive: true });
    // playwright gives the browser a fresh, empty profile of its own and removes it on close.
    browser = await playwright.chromium.launch({
      executablePath: chromium,
      headless: true,
      chromiumSandbox: false,
      timeout: 30000,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 2,
      offline: true,
    });
    const blocked = new Set();
    let page = await openPage(context, pageUrl, blocked);

    let failures = 0;
    let ordinal = 0;
    const pngNames = new Set();
    for (const { file, blocks } of jobs) {
      let pngDone = !opts.png;
      for (const block of blocks) {
        ordinal++;
        const report = (text) => console.log(`${file}: diagram ${block.index}: ${text}`);
        if (block.problem) {
          failures++;
          report(`error: ${block.problem}`);
          continue;
        }
        let result;
        try {
          result = await withTimeout(
            page.evaluate(pageRender, { id: `mermaid-check-${ordinal}`, source: block.source }),
            opts.timeoutMs,
            'rendering',
          );
        } catch (err) {
          result = { ok: false, stage: 'render', message: err.message };
          // A page stuck in a diagram's layout is of no further use.
          await page.close({ runBeforeUnload: false }).catch(() => {});
          page = await openPage(context, pageUrl, blocked);
        }
        if (!result.ok) {
          failures++;
          report(`error: ${describe(result, block, file)}`);
          continue;
        }
        report('ok');
        if (!pngDone) {
          pngDone = true;
          const png = await savePng(page, opts.png, file, pngNames);
          if (png.error) {
            failures++;
            report(`error: ${png.error}`);
          } else {
            console.log(
              `${file}: diagram ${block.index}: wrote ${png.path} (${png.width}x${png.height}, ` +
                `labels: ${result.labels.join(', ')})`,
            );
          }
        }
      }
    }
    if (blocked.size > 0) {
      console.log(`note: blocked network requests: ${Array.from(blocked).join(' ')}`);
    }
    const checked = `${total} diagram(s) in ${files.length} file(s), mermaid ${mermaidVersion}`;
    console.log(failures === 0 ? `all ${checked} rendered` : `${failures} of ${checked} failed`);
    return failures === 0 ? EXIT_OK : EXIT_ERRORS;
  } finally {
    if (browser) await browser.close().catch(() => {});
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** Screenshots the diagram in #stage and checks that the picture is not blank. */
async function savePng(page, dir, file, used) {
  let name = path.basename(file).replace(/\.md$/, '');
  for (let n = 2; used.has(name); n++) name = `${path.basename(file).replace(/\.md$/, '')}-${n}`;
  used.add(name);
  const out = path.join(dir, `${name}.png`);
  const buffer = await page.locator('#stage svg').screenshot({ path: out, animations: 'disabled' });
  const stats = pngStats(buffer);
  // Anything under a few hundred drawn pixels is a blank or nearly blank picture.
  if (stats.inked < 200) {
    return { error: `the PNG ${out} is blank (${stats.inked} non-white pixels)` };
  }
  return { path: out, width: stats.width, height: stats.height };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`check.js: ${err.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (opts.help) {
    console.log(USAGE);
    return EXIT_OK;
  }
  try {
    return await run(opts);
  } catch (err) {
    console.error(`check.js: ${err instanceof UsageError ? err.message : err.stack || err}`);
    return EXIT_USAGE;
  }
}

module.exports = { parseArgs, collectFiles, findChromium, EXIT_SKIP };

if (require.main === module) {
  // A reader that stops early (| head) is not an error of ours.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode || 0);
    throw err;
  });
  main().then((code) => {
    process.exitCode = code;
  });
}

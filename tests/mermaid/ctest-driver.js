#!/usr/bin/env node
'use strict';
// What the ctests of tests/mermaid.cmake run.
//
//   ctest-driver.js install SOURCE_DIR DEST_DIR
//       Installs the pinned packages of SOURCE_DIR/package-lock.json into DEST_DIR/node_modules
//       with `npm ci`, unless the lock file is the one installed last time.
//   ctest-driver.js check [--expect-errors] -- CHECK_ARGS...
//       Runs check.js with CHECK_ARGS and holds its report against the files themselves: every
//       diagram must have exactly one status line, and it must be "ok" unless the line before the
//       block's fence is `<!-- expect-error: TEXT -->`, in which case it must be an error whose
//       message contains TEXT. The annotations count only with --expect-errors, which also
//       requires at least one of them; without it, every diagram must render.
//
// Exit status: 0 pass, 1 fail, 77 skip (no Chromium, or no npm to install the packages with).

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { extractMermaid } = require('./markdown.js');
const check = require('./check.js');

const SKIP = check.EXIT_SKIP;
const STAMP = '.eventc-lock.sha256';

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const full = path.join(dir || '.', name);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      return full;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function fail(message) {
  console.log(`FAIL: ${message}`);
  return 1;
}

/** `npm ci` into DEST_DIR when the lock file changed since the last install there. */
function install(sourceDir, destDir) {
  const files = ['package.json', 'package-lock.json'];
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(fs.readFileSync(path.join(sourceDir, f)));
  const digest = hash.digest('hex');
  const stampFile = path.join(destDir, 'node_modules', STAMP);
  const mermaidJs = path.join(destDir, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
  if (fs.existsSync(mermaidJs) && fs.existsSync(stampFile) &&
      fs.readFileSync(stampFile, 'utf8').trim() === digest) {
    console.log(`mermaid packages in ${destDir} match the lock file; nothing to install`);
    return 0;
  }
  const npm = onPath('npm');
  if (!npm) {
    console.log('SKIP: npm not found, so the mermaid packages cannot be installed');
    return SKIP;
  }
  fs.mkdirSync(destDir, { recursive: true });
  for (const f of files) fs.copyFileSync(path.join(sourceDir, f), path.join(destDir, f));
  console.log(`npm ci in ${destDir}`);
  // --prefer-offline takes what npm's cache already holds; scripts are not needed by these
  // packages and are not run.
  const npmArgs = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'];
  const result = spawnSync(npm, npmArgs, { cwd: destDir, stdio: 'inherit' });
  if (result.error) return fail(`cannot run npm: ${result.error.message}`);
  if (result.status !== 0) return fail(`npm ci exited with status ${result.status}`);
  if (!fs.existsSync(mermaidJs)) return fail(`npm ci did not install ${mermaidJs}`);
  fs.writeFileSync(stampFile, `${digest}\n`);
  return 0;
}

/** The expected outcome of each diagram of a file, from the annotation before its fence. */
function expectations(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return extractMermaid(text).map((block) => {
    let i = block.line - 2;
    while (i >= 0 && lines[i].trim() === '') i--;
    const m = i >= 0 ? /^\s*<!--\s*expect-error:\s*(.*?)\s*-->\s*$/.exec(lines[i]) : null;
    return { index: block.index, error: m ? m[1] : null };
  });
}

function runCheck(expectErrors, checkArgs) {
  let opts;
  try {
    opts = check.parseArgs(checkArgs);
  } catch (err) {
    return fail(`bad check.js arguments: ${err.message}`);
  }
  const mermaidJs = path.join(opts.nodeModules, 'mermaid', 'dist', 'mermaid.min.js');
  if (!fs.existsSync(mermaidJs) && !onPath('npm')) {
    console.log(`SKIP: ${mermaidJs} is not installed and npm is not found to install it`);
    return SKIP;
  }

  const result = spawnSync(process.execPath, [path.join(__dirname, 'check.js'), ...checkArgs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.error) return fail(`cannot run check.js: ${result.error.message}`);
  process.stdout.write(result.stdout);
  if (result.status === SKIP) return SKIP;
  if (result.status !== 0 && result.status !== 1) {
    return fail(`check.js exited with status ${result.status}`);
  }

  const seen = new Map();
  for (const line of result.stdout.split('\n')) {
    const m = /^(.*): diagram (\d+): (ok|error: (.*))$/.exec(line);
    if (!m) continue;
    const key = `${m[1]}\n${m[2]}`;
    if (seen.has(key)) return fail(`${m[1]}: diagram ${m[2]} reported twice`);
    seen.set(key, m[3] === 'ok' ? { ok: true } : { ok: false, message: m[4] });
  }

  const problems = [];
  let annotated = 0;
  let diagrams = 0;
  for (const file of check.collectFiles(opts.paths)) {
    for (const want of expectations(file)) {
      // Without --expect-errors every diagram must render, whatever a file says about itself.
      if (!expectErrors) want.error = null;
      diagrams++;
      const got = seen.get(`${file}\n${want.index}`);
      const where = `${file}: diagram ${want.index}`;
      seen.delete(`${file}\n${want.index}`);
      if (want.error !== null) annotated++;
      if (!got) {
        problems.push(`${where}: no status line`);
      } else if (want.error === null && !got.ok) {
        problems.push(`${where}: expected ok, got an error`);
      } else if (want.error !== null && got.ok) {
        problems.push(`${where}: expected an error containing "${want.error}", but it rendered`);
      } else if (want.error !== null && !got.message.includes(want.error)) {
        problems.push(
          `${where}: expected an error containing "${want.error}", got "${got.message}"`,
        );
      }
    }
  }
  for (const key of seen.keys()) {
    problems.push(`${key.replace('\n', ': diagram ')}: unexpected status line`);
  }
  if (expectErrors && annotated === 0) problems.push('no diagram is annotated with expect-error');
  if (diagrams === 0 && !opts.allowEmpty) problems.push('no mermaid diagram found');
  const wantStatus = annotated > 0 || diagrams === 0 && !opts.allowEmpty ? 1 : 0;
  if (result.status !== wantStatus) {
    problems.push(`check.js exited with status ${result.status}, expected ${wantStatus}`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.log(`FAIL: ${p}`);
    return 1;
  }
  console.log(
    expectErrors
      ? `PASS: ${annotated} diagram(s) failed as annotated, ${diagrams - annotated} rendered`
      : `PASS: all ${diagrams} diagram(s) rendered`,
  );
  return 0;
}

function main(argv) {
  const usage = 'usage: ctest-driver.js install SOURCE_DIR DEST_DIR\n' +
    '       ctest-driver.js check [--expect-errors] -- CHECK_ARGS...';
  if (argv[0] === 'install' && argv.length === 3) return install(argv[1], argv[2]);
  if (argv[0] === 'check') {
    const dashes = argv.indexOf('--');
    const own = dashes < 0 ? argv.slice(1) : argv.slice(1, dashes);
    const rest = dashes < 0 ? [] : argv.slice(dashes + 1);
    if (own.every((a) => a === '--expect-errors') && rest.length > 0) {
      return runCheck(own.length > 0, rest);
    }
  }
  console.error(usage);
  return 2;
}

process.exitCode = main(process.argv.slice(2));

#!/usr/bin/env node
// Differential test of the eventc pattern engine against ECMAScript itself: generates
// (pattern, subject) pairs from a seeded generator, evaluates them with
// `new RegExp(pattern, "u").test(subject)` (what ajv does) and with the C engine through
// regex_driver, and fails on any disagreement, printing the pair and the seed.
//
// usage: node differential.js <regex_driver> [seed] [patterns]
//   seed defaults to $EVENTC_REGEX_SEED, else a fixed value so ctest runs are reproducible.
//
// Two kinds of patterns are generated:
//  - structured: drawn from the grammar of the supported subset. Node and the engine must both
//    accept them and agree on every subject.
//  - fuzz: short random strings over the regex syntax characters. When node refuses one, the
//    engine must refuse it too; when node accepts one the engine may refuse it only if it uses
//    a feature outside the subset; when both accept they must agree.
'use strict';

const { spawnSync } = require('child_process');
const { Worker, isMainThread, workerData } = require('worker_threads');

// The reference evaluation runs in a worker: V8 backtracks, and a few generated pairs take it
// longer than any test should wait. The main thread watches the worker's progress and, when
// one pair has run for REFERENCE_TIMEOUT_MS, terminates it, records the pair as skipped and
// restarts after it. Results go through a shared array: slot 0 counts finished pairs, slot
// i + 1 holds 1 (no match), 2 (match) or 3 (node refuses the pattern).
const REFERENCE_TIMEOUT_MS = 2000;
if (!isMainThread) {
  const { pairs, start, sab } = workerData;
  const res = new Int32Array(sab);
  for (let i = start; i < pairs.length; i++) {
    let code;
    try {
      code = new RegExp(pairs[i][0], 'u').test(pairs[i][1]) ? 2 : 1;
    } catch (e) {
      code = 3;
    }
    res[i + 1] = code;
    Atomics.store(res, 0, i + 1);
  }
  return;
}

const driver = process.argv[2];
if (!driver) {
  console.error('usage: node differential.js <regex_driver> [seed] [patterns]');
  process.exit(2);
}
const seedArg = process.argv[3] ?? process.env.EVENTC_REGEX_SEED ?? '1864';
const seed = (Number(seedArg) >>> 0) || 1;
const patternCount = Number(process.argv[4] ?? 2500);

// xorshift32: small, deterministic across node versions.
let state = seed;
function rand() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}
function int(n) {
  return Math.floor(rand() * n);
}
function pick(a) {
  return a[int(a.length)];
}
function chance(p) {
  return rand() < p;
}

// Code points that exercise the interesting parts of the definitions: \w and \d edges, the
// ECMAScript white space and line terminator sets, characters Python treats differently
// (U+0085, U+001C, non-ASCII digits and letters), astral characters, syntax characters.
const ALPHABET = Array.from(
  'abcxyzABXZ019_-. /[](){}|*+?^$\\,:=!<>' +
    '\n\r\t\v\f\u0000\u0008\u001c\u0085\u00a0\u1680\u2000\u200a\u200b\u2028\u2029\u202f' +
    '\u205f\u3000\ufeff\u00e9\u00df\u0660\u00b2\u212a\u017f\u{1F600}\u{1F601}\u{1D538}'
);
const SYNTAX = new Set(Array.from('^$\\.*+?()[]{}|'));

const cp = (ch) => ch.codePointAt(0);
const hex = (n, w) => n.toString(16).toUpperCase().padStart(w, '0');

// Writes code point c as pattern text outside (inClass false) or inside a class.
function renderChar(ch, inClass) {
  const c = cp(ch);
  const r = rand();
  if (r < 0.1 && c < 0x100) return '\\x' + hex(c, 2);
  if (r < 0.18 && c < 0x10000) return '\\u' + hex(c, 4);
  if (r < 0.24) return '\\u{' + hex(c, 1 + int(3)).replace(/^0+(?=.)/, '') + '}';
  if (r < 0.3 && c >= 0x10000) {
    const v = c - 0x10000;
    return '\\u' + hex(0xd800 + (v >> 10), 4) + '\\u' + hex(0xdc00 + (v & 0x3ff), 4);
  }
  const named = { 10: 'n', 13: 'r', 9: 't', 11: 'v', 12: 'f' };
  if (named[c] && chance(0.6)) return '\\' + named[c];
  // \0 must not be followed by a digit; a group keeps the next term away from it.
  if (c === 0) return inClass ? '\\x00' : '(?:\\0)';
  if (c === 0x2f && chance(0.5)) return '\\/';
  if (inClass) {
    if (ch === ']' || ch === '\\' || ch === '^' || ch === '-') return '\\' + ch;
    return ch;
  }
  if (SYNTAX.has(ch)) return '\\' + ch;
  return ch;
}

// ---- structured generator: returns {src, sample()} nodes ----

function genClass() {
  const negated = chance(0.3);
  const items = [];
  const n = int(5);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.25) {
      items.push('\\' + pick(['d', 'D', 'w', 'W', 's', 'S']));
    } else if (r < 0.55) {
      let a = cp(pick(ALPHABET));
      let b = cp(pick(ALPHABET));
      if (a > b) [a, b] = [b, a];
      items.push(
        renderChar(String.fromCodePoint(a), true) + '-' + renderChar(String.fromCodePoint(b), true)
      );
    } else {
      items.push(renderChar(pick(ALPHABET), true));
    }
  }
  let body = items.join('');
  // An unescaped `-` is literal only at the edges of the class.
  if (chance(0.15)) body = '-' + body;
  else if (chance(0.15)) body = body + '-';
  // A literal [ is fine inside a class under u (but `[-x` would be a range starting at [).
  if (chance(0.05) && !body.startsWith('-')) body = '[' + body;
  const src = '[' + (negated ? '^' : '') + body + ']';
  const re = new RegExp('^' + src + '$', 'u');
  const members = ALPHABET.filter((ch) => re.test(ch));
  return {
    src,
    sample: () => (members.length > 0 ? pick(members) : pick(ALPHABET)),
  };
}

function genAtom(depth, qdepth) {
  const r = rand();
  if (r < 0.4 || depth > 3) {
    const ch = pick(ALPHABET);
    const src = renderChar(ch, false);
    return { src, sample: () => ch };
  }
  if (r < 0.5) {
    const notLine = ALPHABET.filter((ch) => !'\n\r\u2028\u2029'.includes(ch));
    return { src: '.', sample: () => pick(notLine) };
  }
  if (r < 0.62) {
    const e = pick(['d', 'D', 'w', 'W', 's', 'S']);
    const re = new RegExp('^\\' + e + '$', 'u');
    const members = ALPHABET.filter((ch) => re.test(ch));
    return { src: '\\' + e, sample: () => pick(members) };
  }
  if (r < 0.82) return genClass();
  const inner = genDisjunction(depth + 1, qdepth);
  const open = pick(['(', '(?:']);
  return { src: open + inner.src + ')', sample: inner.sample };
}

function genQuantifier() {
  const r = rand();
  let q;
  let min;
  let max;
  if (r < 0.2) [q, min, max] = ['*', 0, Infinity];
  else if (r < 0.4) [q, min, max] = ['+', 1, Infinity];
  else if (r < 0.6) [q, min, max] = ['?', 0, 1];
  else if (r < 0.75) {
    min = int(4);
    [q, max] = ['{' + min + '}', min];
  } else if (r < 0.85) {
    min = int(4);
    [q, max] = ['{' + min + ',}', Infinity];
  } else {
    min = int(4);
    max = min + int(4);
    q = '{' + min + ',' + max + '}';
  }
  if (chance(0.25)) q += '?';
  return { q, min, max };
}

// Quantifiers nest at most two deep: V8 backtracks, and three nested unbounded quantifiers
// can take it minutes on a 14-character subject (the C engine is linear either way).
function genTerm(depth, qdepth) {
  if (chance(0.08)) {
    const a = pick(['^', '$']);
    return { src: a, sample: () => '' };
  }
  const quantified = qdepth < 2 && chance(0.45);
  const atom = genAtom(depth, qdepth + (quantified ? 1 : 0));
  if (!quantified) return atom;
  const { q, min, max } = genQuantifier();
  return {
    src: atom.src + q,
    sample: () => {
      const top = Math.min(max, min + 3);
      const n = min + int(top - min + 1);
      let s = '';
      for (let i = 0; i < n; i++) s += atom.sample();
      return s;
    },
  };
}

function genAlternative(depth, qdepth) {
  const terms = [];
  const n = int(depth === 0 ? 6 : 4);
  for (let i = 0; i < n; i++) terms.push(genTerm(depth, qdepth));
  return {
    src: terms.map((t) => t.src).join(''),
    sample: () => terms.map((t) => t.sample()).join(''),
  };
}

function genDisjunction(depth, qdepth) {
  const alts = [genAlternative(depth, qdepth)];
  while (alts.length < 4 && chance(depth === 0 ? 0.3 : 0.25)) alts.push(genAlternative(depth, qdepth));
  return {
    src: alts.map((a) => a.src).join('|'),
    sample: () => pick(alts).sample(),
  };
}

function randomString(maxLen) {
  let s = '';
  const n = int(maxLen + 1);
  for (let i = 0; i < n; i++) s += pick(ALPHABET);
  return s;
}

function mutate(s) {
  const a = Array.from(s);
  const k = 1 + int(2);
  for (let i = 0; i < k; i++) {
    const r = rand();
    const at = int(a.length + 1);
    if (r < 0.4 || a.length === 0) a.splice(at, 0, pick(ALPHABET));
    else if (r < 0.7) a.splice(Math.min(at, a.length - 1), 1);
    else a[Math.min(at, a.length - 1)] = pick(ALPHABET);
  }
  return a.join('');
}

// Subjects stay short: V8 backtracks, and nested quantifiers such as ((a*)*)* are exponential
// in the subject length there (the C engine is linear, so length does not matter to it).
const MAX_SUBJECT = 14;
function clip(s) {
  const a = Array.from(s);
  return a.length <= MAX_SUBJECT ? s : a.slice(0, MAX_SUBJECT).join('');
}

function subjectsFor(g) {
  const out = [''];
  for (let i = 0; i < 3; i++) out.push(g.sample());
  out.push(randomString(3) + g.sample() + randomString(3));
  out.push(mutate(g.sample()));
  out.push(mutate(g.sample()));
  out.push(randomString(8));
  return out.map(clip);
}

// ---- fuzz generator ----

const FUZZ = Array.from('()[]{}|^$*+?.\\-,:=!<>0123456789abdDwWsSuxkpPcBnrtvf/{}_ ');

// True when a pattern uses something the engine deliberately refuses even though ECMAScript
// accepts it: lookaround, named groups, \b \B \p \P \k \c, backreferences, counts over 1000,
// [\b].
function usesRefusedFeature(p) {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      const e = p[i + 1] ?? '';
      if ('bBpPkc123456789'.includes(e)) return true;
      i++;
    } else if (p.startsWith('(?=', i) || p.startsWith('(?!', i) || p.startsWith('(?<', i)) {
      return true;
    }
  }
  for (const m of p.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(m[1]) > 1000 || (m[2] && Number(m[2]) > 1000)) return true;
  }
  return false;
}

// ---- run ----

const cases = []; // {pattern, subject, kind}
for (let i = 0; i < patternCount; i++) {
  const g = genDisjunction(0, 0);
  for (const s of subjectsFor(g)) cases.push({ pattern: g.src, subject: s, kind: 'structured' });
}
for (let i = 0; i < patternCount; i++) {
  let p = '';
  const n = 1 + int(9);
  for (let j = 0; j < n; j++) p += pick(FUZZ);
  for (let j = 0; j < 3; j++) cases.push({ pattern: p, subject: randomString(6), kind: 'fuzz' });
}

const toHex = (s) => Buffer.from(s, 'utf8').toString('hex');
const input = cases.map((c) => toHex(c.pattern) + ' ' + toHex(c.subject) + '\n').join('');
const run = spawnSync(driver, [], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
if (run.error || run.status !== 0) {
  console.error('regex_driver failed:', run.error ?? run.stderr, 'status', run.status);
  process.exit(1);
}
const lines = run.stdout.split('\n');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function evaluateWithNode(pairs) {
  const sab = new SharedArrayBuffer(4 * (pairs.length + 1));
  const res = new Int32Array(sab);
  const skipped = new Set();
  let start = 0;
  while (start < pairs.length) {
    Atomics.store(res, 0, start);
    const worker = new Worker(__filename, { workerData: { pairs, start, sab } });
    worker.on('error', (e) => console.error('reference worker failed:', e));
    let done = start;
    let since = Date.now();
    for (;;) {
      await sleep(10);
      const now = Atomics.load(res, 0);
      if (now >= pairs.length) {
        done = now;
        break;
      }
      if (now !== done) {
        done = now;
        since = Date.now();
      } else if (Date.now() - since > REFERENCE_TIMEOUT_MS) {
        skipped.add(done);
        break;
      }
    }
    await worker.terminate();
    start = done >= pairs.length ? done : done + 1;
  }
  return { res, skipped };
}

async function main() {
  const { res, skipped } = await evaluateWithNode(cases.map((c) => [c.pattern, c.subject]));
  let failures = 0;
  const stats = { pairs: 0, match: 0, nomatch: 0, fuzzRefusedBoth: 0, fuzzRefusedByUs: 0 };
  const fail = (c, why) => {
    failures++;
    if (failures <= 25) {
      console.log(
        `MISMATCH (seed ${seed}, ${c.kind}): pattern ${JSON.stringify(c.pattern)} subject ` +
          `${JSON.stringify(c.subject)}: ${why}`
      );
    }
  };
  const nodeError = (p) => {
    try {
      new RegExp(p, 'u');
      return 'accepted';
    } catch (e) {
      return e.message;
    }
  };

  cases.forEach((c, i) => {
    const ours = lines[i] ?? '';
    const code = res[i + 1];
    stats.pairs++;
    if (ours.startsWith('X')) {
      fail(c, 'engine entry points disagree: ' + ours);
    } else if (skipped.has(i)) {
      console.log(
        `skipped (node needed over ${REFERENCE_TIMEOUT_MS} ms): pattern ` +
          `${JSON.stringify(c.pattern)} subject ${JSON.stringify(c.subject)}`
      );
    } else if (code === 3) {
      const jsError = nodeError(c.pattern);
      if (c.kind === 'structured') fail(c, 'generator produced a pattern node refuses: ' + jsError);
      else if (!ours.startsWith('E')) fail(c, `node refuses it (${jsError}) but the engine gave ${ours}`);
      else stats.fuzzRefusedBoth++;
    } else {
      const js = code === 2 ? '1' : '0';
      if (ours.startsWith('E')) {
        if (c.kind === 'fuzz' && (usesRefusedFeature(c.pattern) || ours.includes('too complex'))) {
          stats.fuzzRefusedByUs++;
        } else {
          fail(c, `node accepts it (result ${js}) but the engine refused it: ${ours}`);
        }
      } else if (ours !== js) {
        fail(c, `node says ${js}, engine says ${ours}`);
      } else if (js === '1') stats.match++;
      else stats.nomatch++;
    }
  });

  console.log(
    `seed ${seed}: ${stats.pairs} pairs, ${stats.match} matches, ${stats.nomatch} non-matches, ` +
      `fuzz patterns refused by both ${stats.fuzzRefusedBoth}, refused as outside the subset ` +
      `${stats.fuzzRefusedByUs}, skipped ${skipped.size}; ${failures} mismatches`
  );
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

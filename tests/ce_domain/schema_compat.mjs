#!/usr/bin/env node
// The CloudEvents schemas of the messaging catalog (schemas/cloudevents/*.cloudevent.schema.json)
// against the official CloudEvents schema (cloudevents.json of the spec) and the C converters:
//
//  - every schema compiles under ajv 8 strict mode with ajv-formats, and its embedded examples
//    are valid;
//  - instances: every catalog example converted by `messaging-events to-cloudevent --binding
//    json`, then seeded random mutations of them, some keeping them valid (other ids, subjects,
//    sources, times with offsets, extra extensions, optional attributes dropped...) and some
//    breaking them (attributes missing or of the wrong type, bad names, control characters,
//    data_base64, other types...);
//  - on every instance: valid under ours => valid under the official schema (ours is a
//    specialisation); and on a sample of the instances ours accepts, `from-cloudevent` accepts
//    them too (the schema promises nothing the converters refuse). Both verdicts must occur
//    often enough for the test to mean something.
//
// usage: node schema_compat.mjs --schemas DIR --official cloudevents.json --tool messaging-events
//        --examples DIR --tmp DIR [--count N] [--seed S]
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadSchemas, makeAjv, modulesDir, fail } from '../schema/lib.mjs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['schemas', 'official', 'tool', 'examples', 'tmp']) {
  if (!args[need]) {
    console.error(`missing --${need}`);
    process.exit(2);
  }
}
// The official schema comes from the shared reference folder (EVENTC_SHARED_DIR, see the README),
// which a plain clone does not have: report the test as skipped, with the reason.
if (!fs.existsSync(args.official)) {
  console.log(`SKIPPED: ${args.official} is missing: the official CloudEvents schema comes from the ` +
    'shared reference folder (EVENTC_SHARED_DIR, see the README)');
  process.exit(77);
}
const count = Number(args.count || 3000);
let seed = Number(args.seed || 20240601) >>> 0;

// mulberry32: a small seeded generator, so that a failure can be replayed.
function rand() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

// ---- the validators ----

const ours = loadSchemas(args.schemas);
const ceDir = path.join(args.schemas, 'cloudevents');
const ceSchemas = loadSchemas(ceDir);
const all = new Map([...ours, ...[...ceSchemas].map(([k, v]) => [`cloudevents/${k}`, v])]);
const ajv = makeAjv(all);
const require = createRequire(path.join(modulesDir, 'noop.js'));
const Ajv7 = require('ajv').default;
const addFormats = require('ajv-formats').default;
const officialAjv = new Ajv7({ strict: false, allErrors: false });
addFormats(officialAjv);
const official = officialAjv.compile(JSON.parse(fs.readFileSync(args.official, 'utf8')));

const byType = new Map();
let checks = 0;
for (const [name, schema] of ceSchemas) {
  const v = ajv.getSchema(schema.$id);
  if (!v) {
    fail(`${name}: does not compile`);
    continue;
  }
  byType.set(schema.properties.type.const, v);
  for (const [i, ex] of (schema.examples || []).entries()) {
    checks++;
    if (!v(ex)) fail(`${name}: example ${i} is invalid: ${ajv.errorsText(v.errors)}`);
    if (!official(ex)) fail(`${name}: example ${i} is invalid under the official schema`);
  }
}

// Ours: the schema the instance's type selects (an unknown type is invalid under every one).
function oursValid(ce) {
  const v = ce && typeof ce === 'object' ? byType.get(ce.type) : undefined;
  if (v) return v(ce);
  // No schema for this type: valid under none of ours.
  return false;
}

// ---- instances ----

function convert(file) {
  const r = spawnSync(args.tool, ['to-cloudevent', '--binding', 'json', file]);
  if (r.status !== 0) throw new Error(`to-cloudevent ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout.toString('utf8'));
}
const bases = fs
  .readdirSync(args.examples)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => convert(path.join(args.examples, f)));

const CORE = ['id', 'source', 'specversion', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data'];
const TEXTS = ['x', 'cust_9', 'Ünïcödé ✓', 'with space', 'a"quote', 'tab\there', 'nul\u0000', 'del\u007f', 'c1\u0085', '\ufffe', '😀 emoji', ''];
const SOURCES = ['/messaging', '/', 'rel/path', 'https://eu.example.com/m?x=1', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', 'mailto:a@b.example', 'a b', '%zz', 'http://[::1]/', ''];
const TIMES = ['2025-11-05T14:00:00Z', '2025-11-05T16:00:00+02:00', '2024-02-29T23:59:59.123456789Z', '1999-12-31t23:59:60z', '2025-13-01T00:00:00Z', '2025-11-05 14:00:00Z', 'yesterday', '2025-11-05T14:00:00', ''];
const TYPES_CT = ['application/json', 'application/json; charset=utf-8', 'application/vnd.example+json', 'text/plain', 'application/json;', 'json', null];
const EXT_NAMES = ['traceparent', 'comexample', 'x1', 'Bad', 'with_underscore', 'a-b', 'data_base64', 'x'.repeat(30)];
const EXT_VALUES = ['v', '', 5, -2147483648, 2147483648, 1.5, true, null, { a: 1 }, [1], 'ctl\u0001'];

const MUTATIONS = [
  (c) => { c.id = pick(TEXTS); },
  (c) => { c.id = `${pick(TEXTS)}${int(10000000, 99999999)}`; },
  (c) => { c.subject = pick(TEXTS); },
  (c) => { c.source = pick(SOURCES); },
  (c) => { c.time = pick(TIMES); },
  (c) => { c.datacontenttype = pick(TYPES_CT); },
  (c) => { delete c[pick(['datacontenttype', 'dataschema', 'partitionkey', 'idempotencykey'])]; },
  (c) => { delete c[pick(['id', 'source', 'specversion', 'type', 'subject', 'time', 'actor', 'version', 'data'])]; },
  (c) => { c.dataschema = pick([null, 'https://example.com/schemas/messaging/other.schema.json', 'not a uri']); },
  (c) => { c.specversion = pick(['1.0', '0.3', 1]); },
  (c) => { c.type = pick([...byType.keys(), 'com.example.other', '']); },
  (c) => { c[pick(EXT_NAMES)] = pick(EXT_VALUES); },
  (c) => { c.actor = pick([...TEXTS, 5, true]); },
  (c) => { c.version = pick([1, 2, 0, -1, 2147483647, 2147483648, '1', 1.5, null]); },
  (c) => { c.idempotencykey = pick(['key-1', 'abc', '', 'idem\u0007']); },
  (c) => { c.partitionkey = pick(TEXTS); },
  (c) => { c[pick(CORE)] = pick([5, true, null, {}, []]); },
  (c) => { c.data = pick(['text', [1], null, 5, {}]); },
  (c) => { if (c.data && typeof c.data === 'object') c.data[pick(['event_id', 'actor', 'idempotency_key', 'extra'])] = 'x'; },
  (c) => { if (c.data && typeof c.data === 'object') delete c.data[pick(Object.keys(c.data))]; },
  (c) => { c.data_base64 = 'eyJhIjoxfQ=='; },
];

function mutate(base) {
  const c = JSON.parse(JSON.stringify(base));
  const n = int(1, 3);
  for (let i = 0; i < n; i++) pick(MUTATIONS)(c);
  return c;
}

// ---- the checks ----

let oursOk = 0;
let oursBad = 0;
let officialOnly = 0;
const accepted = [];
const instances = [...bases];
for (let i = 0; i < count; i++) instances.push(mutate(pick(bases)));
for (const [i, ce] of instances.entries()) {
  checks++;
  const o = oursValid(ce);
  const f = official(ce);
  if (i < bases.length && !o) fail(`example ${i} (converted) is invalid under ours`);
  if (o && !f) fail(`instance valid under ours but not under the official schema: ${JSON.stringify(ce)}\n  ${officialAjv.errorsText(official.errors)}`);
  if (o) {
    oursOk++;
    accepted.push(ce);
  } else {
    oursBad++;
    if (f) officialOnly++;
  }
}
if (oursOk < instances.length / 10) fail(`only ${oursOk} of ${instances.length} instances are valid under ours`);
if (oursBad < instances.length / 10) fail(`only ${oursBad} of ${instances.length} instances are invalid under ours`);
if (officialOnly === 0) fail('no instance is valid under the official schema but not under ours');

// The converters accept what the schemas accept (a sample, one process each).
fs.mkdirSync(args.tmp, { recursive: true });
const sample = accepted.filter((_, i) => i % Math.max(1, Math.floor(accepted.length / 300)) === 0);
for (const [i, ce] of sample.entries()) {
  checks++;
  const file = path.join(args.tmp, `accepted-${i}.json`);
  fs.writeFileSync(file, JSON.stringify(ce));
  const r = spawnSync(args.tool, ['from-cloudevent', '--binding', 'json', file]);
  if (r.status !== 0) fail(`valid under ours, refused by from-cloudevent (${file}): ${r.stderr.toString().trim()}`);
}

console.log(`${checks} checks: ${oursOk} instances valid under ours (all valid under the official schema), ${oursBad} invalid (${officialOnly} of them valid under the official one), ${sample.length} accepted by from-cloudevent`);

#!/usr/bin/env node
// Agreement test: the generated JSON Schemas (judged by ajv 8 strict + ajv-formats) and the C
// decoder (a `validate` tool: `<catalog>-events validate` or `schema_tool validate CATALOG`) must
// reach the same verdict on every instance. Instances are valid events made by json-schema-faker
// from the schemas, the catalog's examples, and mutations of those (a required member dropped,
// a wrong type, bounds +/- 1, unknown enum values, malformed and out-of-range timestamps,
// duplicate items, strings too short or too long, unknown members, wrong event_name and
// aggregate_type, integer spellings such as 1.0 and 1e2, ...). Any disagreement fails the test
// and prints the instance; the seed is printed so that a run can be replayed.
//
// usage: node agreement.mjs --schemas DIR --validator '["bin", "arg", ...]' [--prefer BIN]
//                           [--strict] [--count N] [--seed S] [--tmp DIR] [--also DIR]...
//   --validator  the C side as a JSON argv prefix; `--strict` (if given) and files are appended
//   --prefer     use `BIN validate` instead when BIN exists (the generated tool, once built)
//   --also       more schema folders (e.g. the draft 2020-12 rendering) that must agree too
//   --python     also judge every instance with Python's jsonschema (agree.py) run by this python3
//   seed: --seed, else $EVENTC_SCHEMA_SEED, else random.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadSchemas, makeAjv, importFaker } from './lib.mjs';

// ---- arguments --------------------------------------------------------------------------------
const args = { also: [], count: 10000, strict: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const next = () => process.argv[++i];
  if (a === '--schemas') args.schemas = next();
  else if (a === '--validator') args.validator = JSON.parse(next());
  else if (a === '--prefer') args.prefer = next();
  else if (a === '--strict') args.strict = true;
  else if (a === '--count') args.count = Number(next());
  else if (a === '--seed') args.seed = next();
  else if (a === '--tmp') args.tmp = next();
  else if (a === '--also') args.also.push(next());
  else if (a === '--python') args.python = next();
  else {
    console.error(`unknown argument ${a}`);
    process.exit(2);
  }
}
if (!args.schemas || !args.validator) {
  console.error('usage: node agreement.mjs --schemas DIR --validator JSON_ARGV [options]');
  process.exit(2);
}
const seedText = args.seed ?? process.env.EVENTC_SCHEMA_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
const seed = Number(seedText) >>> 0;
let validatorArgv = args.validator;
if (args.prefer && fs.existsSync(args.prefer)) validatorArgv = [args.prefer, 'validate'];
console.log(`agreement: seed ${seed} (replay with --seed ${seed} or EVENTC_SCHEMA_SEED=${seed})`);
console.log(`agreement: C side: ${validatorArgv.join(' ')}${args.strict ? ' --strict' : ''}`);

// ---- randomness -------------------------------------------------------------------------------
let state = seed || 1;
function rand() {
  // mulberry32
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const chance = (p) => rand() < p;
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

// ---- schemas ----------------------------------------------------------------------------------
const schemas = loadSchemas(args.schemas);
const ajv = makeAjv(schemas);
const byFile = new Map([...schemas].map(([f, s]) => [f, s]));
const catalogSchema = [...schemas.values()].find((s) => s.$id.endsWith('/catalog.schema.json'));
const validateCatalog = ajv.getSchema(catalogSchema.$id);
const others = args.also.map((dir) => {
  const set = loadSchemas(dir);
  const a = makeAjv(set);
  const cat = [...set.values()].find((s) => s.$id.endsWith('/catalog.schema.json'));
  return { dir, validate: a.getSchema(cat.$id) };
});
const events = [...schemas.entries()]
  .filter(([, s]) => s.properties && s.properties.event_name && s.properties.event_name.const)
  .map(([file, s]) => ({ file, schema: s, name: s.properties.event_name.const }));
const eventNames = events.map((e) => e.name);
const aggregateNames = [...new Set(events.map((e) => e.schema.properties.aggregate_type.const))];

// Resolves a property schema: follows `$ref` to the object type's schema and unwraps the
// nullable `anyOf`. Returns { s, nullable }.
function resolve(prop) {
  let nullable = false;
  let s = prop;
  if (s.anyOf) {
    nullable = true;
    s = s.anyOf.find((b) => b.$ref);
  }
  if (s.$ref) s = byFile.get(s.$ref);
  if (Array.isArray(s.type) && s.type.includes('null')) nullable = true;
  return { s, nullable };
}
const typeOf = (s) => (Array.isArray(s.type) ? s.type[0] : s.type);

// The schema json-schema-faker works from: references inlined, integers kept within 2^53 (beyond
// that JavaScript numbers are not exact: a documented difference the generator avoids).
const SAFE = 2 ** 53 - 1;
function fakerSchema(s) {
  if (Array.isArray(s)) return s.map(fakerSchema);
  if (!s || typeof s !== 'object') return s;
  if (s.$ref) return fakerSchema(byFile.get(s.$ref));
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (['$schema', '$id', '$comment', 'examples', 'x-pii', 'x-since', 'x-deprecated-reason', 'x-enum-descriptions', 'deprecated'].includes(k)) continue;
    out[k] = fakerSchema(v);
  }
  if (typeOf(out) === 'integer') {
    out.minimum = Math.max(out.minimum ?? -SAFE, -SAFE);
    out.maximum = Math.min(out.maximum ?? SAFE, SAFE);
    if (chance(0.7)) {
      // Mostly small values, which a person would send.
      out.minimum = Math.max(out.minimum, -1000);
      out.maximum = Math.max(out.minimum, Math.min(out.maximum, 100000));
    }
  }
  // json fields: the faker would pick anything; give it a shape it handles.
  if (Object.keys(out).filter((k) => k !== 'description').length === 0) return jsonValueSchema();
  return out;
}
function jsonValueSchema() {
  return pick([
    { type: 'object', properties: { a: { type: 'integer', minimum: -5, maximum: 5 }, b: { type: 'string' } } },
    { type: 'array', items: { type: 'number', minimum: -10, maximum: 10 }, maxItems: 4 },
    { type: 'string' },
    { type: 'boolean' },
    { type: 'null' },
  ]);
}

// ---- values for mutations ---------------------------------------------------------------------
const CHARS = ['a', 'z', 'A', 'Z', '0', '9', '_', '-', ' ', 'é', 'ß', 'Ω', '中', '😀', '\u{10FFFF}', '\t', '"', '\\', '/', '.'];
function randomString(len, alphabet = CHARS) {
  let s = '';
  for (let i = 0; i < len; i++) s += pick(alphabet);
  return s;
}
const PATTERNISH = 'abcxyz019_-AZé .\n'.split('');

function pad(n, w) {
  return String(n).padStart(w, '0');
}
function randomTimestamp() {
  const good = chance(0.5);
  const year = pick([0, 1, 4, 100, 400, 1900, 1970, 2000, 2023, 2024, 2100, 2400, 9999, int(10000)]);
  let month = good ? 1 + int(12) : pick([0, 1, 2, 4, 12, 13, 1 + int(12)]);
  let day = good ? 1 + int(28) : pick([0, 28, 29, 30, 31, 32, 1 + int(31)]);
  if (chance(0.2)) {
    month = 2;
    day = 29;
  }
  const hh = good ? int(24) : pick([23, 24, 25, int(30)]);
  const mm = good ? int(60) : pick([59, 60, int(70)]);
  const ss = good ? int(60) : pick([59, 60, 61, int(70)]);
  const frac = chance(0.4) ? '.' + randomString(pick([0, 1, 3, 6, 9, 10]), '0123456789'.split('')) : '';
  let s = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}${frac}Z`;
  if (chance(0.15)) {
    s = pick([
      () => s.replace('T', 't'),
      () => s.replace('Z', 'z'),
      () => s.replace('T', ' '),
      () => s.replace('Z', '+00:00'),
      () => s.slice(0, -1),
      () => s + ' ',
      () => ' ' + s,
      () => s.replace(/:\d\dZ$/, 'Z'),
      () => '+' + s,
      () => s.replace(/^\d/, '٣'),
      () => s.replace(/-/, '/'),
    ])();
  }
  return s;
}

// ---- mutations --------------------------------------------------------------------------------
// Each returns a description, or null when it does not apply to the instance. `raw` collects
// placeholders to replace by raw JSON text (number spellings JSON.stringify cannot write).
function members(obj, schema, prefix = []) {
  // Every (container, key, property schema) reachable through objects and arrays of the instance.
  const out = [];
  if (!obj || typeof obj !== 'object' || !schema || !schema.properties) return out;
  for (const [k, p] of Object.entries(schema.properties)) {
    const { s } = resolve(p);
    out.push({ holder: obj, key: k, prop: p, s, path: [...prefix, k], parent: schema });
    const v = obj[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && s.properties) out.push(...members(v, s, [...prefix, k]));
    if (Array.isArray(v) && s.items) {
      const { s: is } = resolve(s.items);
      v.forEach((item, i) => {
        out.push({ holder: v, key: i, prop: s.items, s: is, path: [...prefix, k, i], item: true });
        if (item && typeof item === 'object' && is.properties) out.push(...members(item, is, [...prefix, k, i]));
      });
    }
  }
  return out;
}
function objectsOf(obj, schema) {
  const out = [{ obj, schema }];
  for (const m of members(obj, schema)) {
    const v = m.holder[m.key];
    if (v && typeof v === 'object' && !Array.isArray(v) && m.s.properties) out.push({ obj: v, schema: m.s });
  }
  return out;
}

const mutations = {
  dropRequired(inst, schema) {
    const objs = objectsOf(inst, schema).filter((o) => (o.schema.required || []).some((k) => k in o.obj));
    if (!objs.length) return null;
    const o = pick(objs);
    const k = pick(o.schema.required.filter((r) => r in o.obj));
    delete o.obj[k];
    return `drop required ${k}`;
  },
  wrongType(inst, schema) {
    const ms = members(inst, schema).filter((m) => m.key in m.holder || m.item);
    if (!ms.length) return null;
    const m = pick(ms);
    m.holder[m.key] = clone(pick([0, -1, 1.5, 'text', '', true, false, null, [], {}, ['x'], { a: 1 }, 1e300]));
    return `wrong type at ${m.path.join('.')}`;
  },
  nullValue(inst, schema) {
    const ms = members(inst, schema);
    if (!ms.length) return null;
    const m = pick(ms);
    m.holder[m.key] = null;
    return `null at ${m.path.join('.')}`;
  },
  integerBounds(inst, schema, raw) {
    const ms = members(inst, schema).filter((m) => typeOf(m.s) === 'integer');
    if (!ms.length) return null;
    const m = pick(ms);
    const cands = [];
    for (const b of [m.s.minimum, m.s.maximum]) {
      if (b === undefined || Math.abs(b) > SAFE - 2) continue;
      cands.push(b - 1, b, b + 1);
    }
    cands.push(0, 1, -1, SAFE, -SAFE);
    let v = pick(cands);
    if (chance(0.4)) {
      // Other spellings of an integer, and numbers that are not integers.
      const spell = pick([`${v}.0`, `${v}e0`, `${v}.000`, `${v}E+0`, `${v}.5`, `${v}.25e1`, `${v}e-1`, '-0', '-0.0', '1e2', '1.5e1', '0.1e1', '1E400', '-1e400']);
      const id = `@@RAW${raw.length}@@`;
      raw.push([id, spell]);
      m.holder[m.key] = id;
      return `integer ${spell} at ${m.path.join('.')}`;
    }
    m.holder[m.key] = v;
    return `integer ${v} at ${m.path.join('.')}`;
  },
  numberBounds(inst, schema, raw) {
    const ms = members(inst, schema).filter((m) => typeOf(m.s) === 'number');
    if (!ms.length) return null;
    const m = pick(ms);
    const cands = [0, -0.5, 1e-300];
    for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
      const b = m.s[k];
      if (b === undefined) continue;
      const ulp = Math.max(Math.abs(b) * Number.EPSILON, Number.MIN_VALUE);
      cands.push(b, b - 1, b + 1, b - ulp, b + ulp);
    }
    if (chance(0.2)) {
      const spell = pick(['1e400', '-1e400', '1E-400', '-0', '0.0', '1e2', '9999.999999999999999']);
      const id = `@@RAW${raw.length}@@`;
      raw.push([id, spell]);
      m.holder[m.key] = id;
      return `number ${spell} at ${m.path.join('.')}`;
    }
    m.holder[m.key] = pick(cands);
    return `number ${m.holder[m.key]} at ${m.path.join('.')}`;
  },
  stringLength(inst, schema) {
    const ms = members(inst, schema).filter((m) => typeOf(m.s) === 'string' && !m.s.enum && !m.s.const && !m.s.format);
    if (!ms.length) return null;
    const m = pick(ms);
    const lens = [0, 1, 2, 3];
    for (const b of [m.s.minLength, m.s.maxLength]) if (b !== undefined) lens.push(Math.max(0, b - 1), b, b + 1);
    const n = pick(lens);
    m.holder[m.key] = randomString(n, m.s.pattern && chance(0.5) ? PATTERNISH : CHARS);
    return `string of ${n} code points at ${m.path.join('.')}`;
  },
  pattern(inst, schema) {
    const ms = members(inst, schema).filter((m) => m.s.pattern && !m.s.format);
    if (!ms.length) return null;
    const m = pick(ms);
    const cur = typeof m.holder[m.key] === 'string' ? m.holder[m.key] : 'abc';
    m.holder[m.key] = pick([
      () => randomString(1 + int(6), PATTERNISH),
      () => cur + pick(PATTERNISH),
      () => pick(PATTERNISH) + cur,
      () => cur.toUpperCase(),
      () => cur.slice(1),
      () => cur + '\n',
      () => cur.replace(/[a-z]/, 'é'),
    ])();
    return `pattern probe at ${m.path.join('.')}`;
  },
  enumValue(inst, schema) {
    const ms = members(inst, schema).filter((m) => m.s.enum && !m.s.const);
    if (!ms.length) return null;
    const m = pick(ms);
    const vals = m.s.enum.filter((v) => v !== null);
    const v = pick(vals);
    m.holder[m.key] = pick([v.toUpperCase(), v + ' ', ' ' + v, '', v.slice(0, -1), v + v, pick(vals), 'unknown_value', pick(eventNames)]);
    return `enum value ${JSON.stringify(m.holder[m.key])} at ${m.path.join('.')}`;
  },
  timestamp(inst, schema) {
    const ms = members(inst, schema).filter((m) => m.s.format === 'date-time');
    if (!ms.length) return null;
    const m = pick(ms);
    m.holder[m.key] = randomTimestamp();
    return `timestamp ${JSON.stringify(m.holder[m.key])} at ${m.path.join('.')}`;
  },
  arrayItems(inst, schema) {
    const ms = members(inst, schema).filter((m) => typeOf(m.s) === 'array' && Array.isArray(m.holder[m.key]));
    if (!ms.length) return null;
    const m = pick(ms);
    const a = m.holder[m.key];
    const op = pick(['dup', 'dup', 'drop', 'empty', 'grow']);
    if (op === 'dup' && a.length) a.splice(int(a.length + 1), 0, clone(pick(a)));
    else if (op === 'drop' && a.length) a.splice(int(a.length), 1);
    else if (op === 'empty') a.length = 0;
    else {
      const want = (m.s.maxItems ?? a.length + 2) + int(2);
      const { s: is } = resolve(m.s.items);
      while (a.length < want && a.length < 64) a.push(typeOf(is) === 'string' && !is.enum ? randomString(1 + int(5), PATTERNISH) : clone(a.length ? pick(a) : 'x'));
    }
    return `array ${op} at ${m.path.join('.')} (${a.length} items)`;
  },
  unknownMember(inst, schema) {
    const o = pick(objectsOf(inst, schema));
    const k = pick(['x_unknown', 'Event_Name', 'extra', 'event_name_', '', 'é', '__proto_x']);
    if (k in o.obj) return null;
    o.obj[k] = pick([1, 'v', null, { a: [] }, [true]]);
    return `unknown member ${JSON.stringify(k)}`;
  },
  eventName(inst) {
    const v = pick([pick(eventNames), 'NoSuchEvent', inst.event_name?.toLowerCase?.(), '', 1, null, undefined]);
    if (v === undefined) delete inst.event_name;
    else inst.event_name = v;
    return `event_name ${JSON.stringify(v)}`;
  },
  aggregateType(inst) {
    const v = pick([pick(aggregateNames), 'NoSuchAggregate', '', inst.aggregate_type?.toLowerCase?.(), null, undefined, 7]);
    if (v === undefined) delete inst.aggregate_type;
    else inst.aggregate_type = v;
    return `aggregate_type ${JSON.stringify(v)}`;
  },
  escapes(inst, schema, raw) {
    // A string written with \u escapes (and \/): the same value to every parser.
    const ms = [
      ...members(inst, schema).filter((m) => typeof m.holder[m.key] === 'string'),
      ...['event_name', 'aggregate_type'].filter((k) => typeof inst[k] === 'string').map((k) => ({ holder: inst, key: k, path: [k] })),
    ];
    if (!ms.length) return null;
    const m = pick(ms);
    const v = m.holder[m.key];
    let spell = '"';
    for (let i = 0; i < v.length; i++) {
      const c = v[i];
      if (chance(0.5)) spell += '\\u' + v.charCodeAt(i).toString(16).padStart(4, '0');
      else if (c === '/') spell += '\\/';
      else spell += JSON.stringify(c).slice(1, -1);
    }
    spell += '"';
    const id = `@@RAW${raw.length}@@`;
    raw.push([id, spell]);
    m.holder[m.key] = id;
    return `escaped string at ${m.path.join('.')}`;
  },
  notAnObject() {
    return null; // handled as a whole-instance replacement below
  },
};
const mutationNames = Object.keys(mutations).filter((n) => n !== 'notAnObject');

// ---- known differences ------------------------------------------------------------------------
// Instances in a zone where JSON Schema cannot say what the decoder does (docs/json-schema.md):
// they are reported but not counted. The generator avoids making them.
function knownDifference(value, text) {
  const big = /(?<![\w."])-?\d{16,}(?![\d.eE])/.exec(text);
  if (big && Math.abs(Number(big[0])) > SAFE) return 'integer beyond 2^53';
  let why = null;
  const walk = (v) => {
    if (why) return;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) why = 'U+0000 in a string';
      else if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)) why = 'lone surrogate';
      else if (Buffer.byteLength(v) > 65536) why = 'string above the decoder limit';
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (walk(k), walk(x)));
  };
  walk(value);
  if (why) return why;
  if (/1E400|1e400/.test(text)) return 'number beyond the double range';
  return null;
}

// ---- instances --------------------------------------------------------------------------------
const { createGeneratorSync } = await importFaker();
const bases = [];
for (const e of events) for (const ex of e.schema.examples || []) bases.push({ event: e, value: ex, origin: `example of ${e.name}` });
const faked = [];
const gen = createGeneratorSync({ seed, maxDefaultItems: 4 });
const validTarget = Math.max(events.length * 10, Math.floor(args.count * 0.2));
for (let i = 0; i < validTarget; i++) {
  const e = events[i % events.length];
  const fs_ = fakerSchema(e.schema);
  let v;
  try {
    v = gen.generate(fs_, { optionalsProbability: rand(), fillProperties: chance(0.2) });
  } catch (err) {
    console.error(`json-schema-faker failed on ${e.name}: ${err.message}`);
    process.exit(1);
  }
  faked.push({ event: e, value: v, origin: `faker for ${e.name}` });
}
bases.push(...faked);

const instances = [];
const kinds = new Map();
function addInstance(value, origin, raw = [], known = null) {
  let text = value === undefined ? 'null' : JSON.stringify(value);
  for (const [id, spell] of raw) text = text.replace(JSON.stringify(id), spell);
  instances.push({ text, origin, known: known || knownDifference(value, text) });
}
for (const b of bases) addInstance(b.value, b.origin);
while (instances.length < args.count) {
  const b = pick(bases);
  if (chance(0.01)) {
    addInstance(pick([[], 'event', 1, null, [clone(b.value)]]), 'not an object');
    continue;
  }
  const v = clone(b.value);
  const raw = [];
  const notes = [];
  const rounds = chance(0.8) ? 1 : 2;
  for (let r = 0; r < rounds; r++) {
    for (let tries = 0; tries < 8; tries++) {
      const name = pick(mutationNames);
      const schema = events.find((e) => e.name === v.event_name)?.schema || b.event.schema;
      const note = mutations[name](v, schema, raw);
      if (note) {
        notes.push(note);
        kinds.set(name, (kinds.get(name) || 0) + 1);
        break;
      }
    }
  }
  addInstance(v, `${b.origin}; ${notes.join('; ') || 'unchanged'}`, raw);
}
// A few instances in each documented difference zone, to show that they are told apart (they
// are judged, reported, and not counted).
for (const b of bases.slice(0, 3)) {
  const text = JSON.stringify(b.value);
  const probes = [
    ['duplicate key', text.replace('{', '{"event_name":"NoSuchEvent",')],
    ['U+0000 in a string', JSON.stringify({ ...b.value, x_probe: 'a\u0000b' })],
    ['lone surrogate', JSON.stringify({ ...b.value, x_probe: 'a\uD800b' })],
    ['integer beyond 2^53', text.replace(/"version":\d+/, '"version":9223372036854775808')],
  ];
  for (const [why, t] of probes) instances.push({ text: t, origin: `probe: ${why}`, known: why });
}

// ---- the C side -------------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(args.tmp || os.tmpdir(), 'eventc-agreement-'));
const files = instances.map((inst, i) => {
  const f = path.join(tmp, `i${String(i).padStart(6, '0')}.json`);
  fs.writeFileSync(f, inst.text);
  return f;
});
const cVerdict = new Map();
const BATCH = 1000;
for (let i = 0; i < files.length; i += BATCH) {
  const batch = files.slice(i, i + BATCH);
  const argv = [...validatorArgv.slice(1), ...(args.strict ? ['--strict'] : []), ...batch];
  const r = spawnSync(validatorArgv[0], argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || (r.status !== 0 && r.status !== 1)) {
    console.error(`the C validator failed: ${r.error || `exit ${r.status}`}\n${r.stderr}`);
    process.exit(1);
  }
  for (const line of r.stdout.split('\n')) {
    const m = /^(.*?\.json): (ok|error: (.*))$/.exec(line);
    if (m) cVerdict.set(m[1], m[2] === 'ok' ? { ok: true } : { ok: false, why: m[3] });
  }
}

// ---- the Python side (optional) ----------------------------------------------------------------
let pyVerdict = null;
if (args.python) {
  const jsonl = path.join(tmp, 'instances.jsonl');
  fs.writeFileSync(jsonl, instances.map((x) => x.text).join('\n') + '\n');
  const here = path.dirname(new URL(import.meta.url).pathname);
  const r = spawnSync(args.python, [path.join(here, 'agree.py'), args.schemas, jsonl], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 77) console.log('agreement: Python side skipped (no jsonschema module)');
  else if (r.status !== 0) {
    console.error(`agree.py failed: ${r.error || `exit ${r.status}`}\n${r.stderr}`);
    process.exit(1);
  } else pyVerdict = r.stdout.split('\n');
}

// ---- compare ----------------------------------------------------------------------------------
let agree = 0;
let disagree = 0;
let known = 0;
let valid = 0;
const knownBy = new Map();
const disagreeBy = new Map();
// A short name for what was done to an instance, to summarise disagreements.
const kindOf = (origin) =>
  origin.split('; ').slice(1).map((n) => n.replace(/ [-\d"'.([{].*$/, '')).join(' + ') || origin;
const noteDisagree = (inst) => {
  disagree++;
  const k = kindOf(inst.origin);
  disagreeBy.set(k, (disagreeBy.get(k) || 0) + 1);
};
const noteKnown = (why) => {
  known++;
  knownBy.set(why, (knownBy.get(why) || 0) + 1);
};
const validators = [{ dir: args.schemas, validate: validateCatalog }, ...others];
instances.forEach((inst, i) => {
  const c = cVerdict.get(files[i]);
  if (!c) {
    disagree++;
    console.error(`no verdict from the C validator for ${files[i]}`);
    return;
  }
  let value;
  try {
    value = JSON.parse(inst.text);
  } catch {
    value = undefined;
  }
  for (const v of validators) {
    const ok = value !== undefined && v.validate(value);
    if (ok === c.ok) continue;
    if (inst.known) {
      noteKnown(`${inst.known} (ajv)`);
      return;
    }
    noteDisagree(inst);
    if (disagree <= 20) {
      console.error(`DISAGREEMENT (${inst.origin}) with ${v.dir}:`);
      console.error(`  instance: ${inst.text}`);
      console.error(`  ajv: ${ok ? 'valid' : 'invalid: ' + ajv.errorsText(v.validate.errors)}`);
      console.error(`  C:   ${c.ok ? 'ok' : c.why}`);
    }
    return;
  }
  if (pyVerdict) {
    const p = pyVerdict[i];
    if ((p === '1') !== c.ok) {
      // Python's `$` also matches before a final line feed (docs/json-schema.md).
      const endsInNewline = (v) =>
        typeof v === 'string' ? v.endsWith('\n')
          : v && typeof v === 'object' ? Object.values(v).some(endsInNewline) : false;
      const newline = p === '1' && endsInNewline(value);
      if (inst.known || newline || p === 'x') {
        noteKnown(`${inst.known || (newline ? '`$` before a final newline' : 'not JSON to Python')} (Python)`);
        return;
      }
      noteDisagree(inst);
      if (disagree <= 20) {
        console.error(`DISAGREEMENT (${inst.origin}) with Python's jsonschema:`);
        console.error(`  instance: ${inst.text}`);
        console.error(`  jsonschema: ${p === '1' ? 'valid' : 'invalid'}`);
        console.error(`  C:          ${c.ok ? 'ok' : c.why}`);
      }
      return;
    }
  }
  agree++;
  if (c.ok) valid++;
});
if (!process.env.KEEP) fs.rmSync(tmp, { recursive: true, force: true });

console.log(`agreement: mutations applied: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`agreement: judges: C, ajv (${validators.map((v) => v.dir).join(', ')})${pyVerdict ? ", Python's jsonschema" : ''}`);
console.log(`agreement: ${instances.length} instances (${valid} valid, ${agree - valid} invalid per both sides), ` +
  `${known} in documented difference zones, ${disagree} disagreements; seed ${seed}`);
if (known) console.log(`agreement: difference zones: ${[...knownBy].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
if (valid < bases.length / 4) {
  console.error('agreement: too few valid instances: the generator is not exercising valid events');
  disagree++;
}
if (disagree) {
  console.error(`agreement: disagreements by kind: ${[...disagreeBy].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  console.error(`agreement: FAILED; replay with --seed ${seed}`);
}
process.exit(disagree ? 1 : 0);

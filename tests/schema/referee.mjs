#!/usr/bin/env node
// ajv referee: every generated schema compiles under ajv 8 strict mode with ajv-formats; every
// example embedded in an event schema validates against that schema and catalog.schema.json;
// every pattern is a valid ECMAScript u-mode regex; and the timestamp rule of the schemas
// (format date-time + pattern) gives, on every string of a corpus judged by the C timestamp
// parser, the C parser's verdict.
//
// usage: node referee.mjs SCHEMA_DIR [TIMESTAMP_CORPUS.jsonl]
import fs from 'node:fs';
import { loadSchemas, makeAjv, fail } from './lib.mjs';

const [dir, corpus] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node referee.mjs SCHEMA_DIR [TIMESTAMP_CORPUS.jsonl]');
  process.exit(2);
}
const schemas = loadSchemas(dir);
const ajv = makeAjv(schemas);
let checks = 0;

function walkPatterns(node, where) {
  if (Array.isArray(node)) return node.forEach((n, i) => walkPatterns(n, `${where}[${i}]`));
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'pattern' && typeof v === 'string') {
      checks++;
      try {
        new RegExp(v, 'u');
      } catch (e) {
        fail(`${where}: pattern ${JSON.stringify(v)} is not an ECMAScript u-mode regex: ${e.message}`);
      }
    } else if (k !== 'examples') {
      walkPatterns(v, `${where}.${k}`);
    }
  }
}

for (const [name, schema] of schemas) {
  checks++;
  try {
    ajv.getSchema(schema.$id) || fail(`${name}: not compiled`);
  } catch (e) {
    fail(`${name}: does not compile: ${e.message}`);
  }
  walkPatterns(schema, name);
}

const catalog = [...schemas.values()].find((s) => s.$id.endsWith('/catalog.schema.json'));
const validateCatalog = ajv.getSchema(catalog.$id);
for (const [name, schema] of schemas) {
  for (const [i, ex] of (schema.examples || []).entries()) {
    if (!schema.properties || typeof ex !== 'object') continue;
    const v = ajv.getSchema(schema.$id);
    checks += 2;
    if (!v(ex)) fail(`${name}: example ${i} is invalid: ${ajv.errorsText(v.errors)}`);
    if (!validateCatalog(ex))
      fail(`${name}: example ${i} is invalid against catalog.schema.json: ${ajv.errorsText(validateCatalog.errors)}`);
  }
}

if (corpus) {
  const envelope = [...schemas.values()].find((s) => s.$id.endsWith('/envelope.schema.json'));
  const tsSchema = Object.values(envelope.properties).find((p) => p.format === 'date-time');
  const { $schema, ...plain } = { $schema: null, ...tsSchema };
  void $schema;
  const vts = ajv.compile(plain);
  let n = 0;
  for (const line of fs.readFileSync(corpus, 'utf8').split('\n')) {
    if (!line) continue;
    const [want, s] = JSON.parse(line);
    const got = vts(s) ? 1 : 0;
    checks++;
    n++;
    if (got !== want) fail(`timestamp ${JSON.stringify(s)}: ajv says ${got}, the C parser ${want}`);
  }
  console.log(`timestamps: ${n} strings compared`);
}

const failed = process.exitCode ? 1 : 0;
console.log(`ajv referee: ${schemas.size} schemas, ${checks - failed} passed, ${failed} failed`);

// Shared helpers of the node referees: loading the npm packages from the folder `npm ci` filled
// (EVENTC_NODE_MODULES, else tests/schema/node_modules), reading a folder of generated schemas,
// and building an ajv instance the way docs/json-schema.md tells consumers to.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const modulesDir = path.resolve(process.env.EVENTC_NODE_MODULES || path.join(here, 'node_modules'));
const requireFromModules = createRequire(path.join(modulesDir, 'noop.js'));

// The annotations eventc adds; ajv's strict mode refuses unknown keywords unless declared.
export const EVENTC_KEYWORDS = ['x-pii', 'x-since', 'x-deprecated-reason', 'x-enum-descriptions', 'x-renamed-from', 'x-history'];

export function loadSchemas(dir) {
  const schemas = new Map();
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.schema.json')) continue;
    schemas.set(name, JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
  }
  if (schemas.size === 0) throw new Error(`no *.schema.json in ${dir}`);
  return schemas;
}

// An ajv instance in strict mode with ajv-formats, knowing every schema of `schemas`.
export function makeAjv(schemas, options = {}) {
  const first = schemas.values().next().value;
  const is2020 = String(first.$schema).includes('2020-12');
  const Ajv = is2020 ? requireFromModules('ajv/dist/2020').default : requireFromModules('ajv').default;
  const addFormats = requireFromModules('ajv-formats').default;
  const ajv = new Ajv({ strict: true, allErrors: false, ...options });
  addFormats(ajv);
  for (const k of EVENTC_KEYWORDS) ajv.addKeyword(k);
  for (const s of schemas.values()) ajv.addSchema(s);
  return ajv;
}

export async function importFaker() {
  return import(pathToFileURL(path.join(modulesDir, 'json-schema-faker', 'dist', 'index.js')).href);
}

export function fail(msg) {
  console.error(msg);
  process.exitCode = 1;
}

#!/usr/bin/env node
// The official AsyncAPI parser (@asyncapi/parser, pinned in package-lock.json) as a referee: it
// parses each AsyncAPI document eventc generated, resolving its $refs to the JSON Schema files
// next to it, and validates it against the AsyncAPI 3.0 specification and its rules. A document
// passes when the parser returns it and reports nothing but its note that a newer version of the
// specification exists (asyncapi-latest-version).
//
// usage: node referee.js DOCUMENT.asyncapi.yaml...
// The parser is loaded from EVENTC_NODE_MODULES (else tests/asyncapi/node_modules).
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');

const modulesDir = path.resolve(process.env.EVENTC_NODE_MODULES || path.join(__dirname, 'node_modules'));
let parserModule;
try {
  parserModule = createRequire(path.join(modulesDir, 'noop.js'))('@asyncapi/parser');
} catch (e) {
  console.log(`SKIPPED: @asyncapi/parser is not installed in ${modulesDir} (${e.message})`);
  process.exit(77);
}
const { Parser, fromFile } = parserModule;
const ALLOWED = new Set(['asyncapi-latest-version']);
const SEVERITY = ['error', 'warning', 'information', 'hint'];

async function main(files) {
  if (files.length === 0) {
    console.error('usage: node referee.js DOCUMENT.asyncapi.yaml...');
    return 2;
  }
  const parser = new Parser();
  let failed = 0;
  for (const file of files) {
    const { document, diagnostics } = await fromFile(parser, file).parse();
    const bad = diagnostics.filter((d) => !ALLOWED.has(d.code));
    for (const d of diagnostics) {
      const where = d.path && d.path.length ? d.path.join('.') : '(document)';
      console.log(`${file}: ${SEVERITY[d.severity] || d.severity}: ${d.code}: ${d.message} at ${where}`);
    }
    if (!document || bad.length > 0) {
      failed++;
      console.log(`${file}: FAILED (${bad.length} diagnostics beyond the version note${document ? '' : ', no document'})`);
      continue;
    }
    const messages = document.allMessages().length;
    const channels = document.channels().length;
    const operations = document.operations().length;
    console.log(`${file}: valid AsyncAPI ${document.version()}: ${channels} channels, ${operations} operations, ${messages} messages`);
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

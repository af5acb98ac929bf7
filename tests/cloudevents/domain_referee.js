'use strict';
/*
 * Referee for the generated CloudEvents converters of the messaging catalog: the official
 * CloudEvents JavaScript SDK (pinned in package-lock.json, as for referee.js) against
 * `messaging-events to-cloudevent` and `from-cloudevent`, for every example event of the catalog,
 * over HTTP and Kafka in binary and structured mode.
 *
 *   node domain_referee.js --tool EXE --examples DIR --envelope SCHEMA --work DIR
 *        --direction ours-to-sdk|sdk-to-ours --source SRC --type-prefix P --schema-base URI
 *
 * The expected CloudEvent of a domain event is worked out here from the documented mapping
 * (docs/cloudevents.md), independently of the generator: type `<prefix>.<aggregate>.<verb>` in
 * snake_case, id = event_id, source, subject = aggregate_id, time = occurred_at,
 * datacontenttype application/json, dataschema = the event's schema, data = every member that
 * is not an envelope field (the envelope fields are the properties of envelope.schema.json), and
 * the other envelope fields as extensions named without underscores, plus partitionkey.
 *
 *  ours-to-sdk  our messages are read by HTTP.toEvent / Kafka.toEvent, pass the SDK's validation
 *               and equal the expected CloudEvent attribute for attribute (binary mode carries
 *               extensions as strings, so there they compare as strings)
 *  sdk-to-ours  the SDK builds the expected CloudEvent (new CloudEvent) and writes it with
 *               HTTP.binary/structured and Kafka.binary/structured; from-cloudevent must give
 *               back the example event; CloudEvents the SDK accepts but that are no valid
 *               messaging event must be refused with the documented message
 *
 * The SDK does not percent-encode HTTP header values (binding 3.1.3.2): as in referee.js, the
 * binding's rule is applied between the SDK and eventc, in both directions.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { CloudEvent, HTTP, Kafka } = require('cloudevents');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['tool', 'examples', 'envelope', 'work', 'direction', 'source', 'type-prefix', 'schema-base']) {
    if (!args[need]) {
        console.error(`missing --${need}`);
        process.exit(2);
    }
}
const workDir = path.join(args.work, args.direction);
fs.mkdirSync(workDir, { recursive: true });

/* The envelope and the attributes its role fields become. */
const envelopeSchema = JSON.parse(fs.readFileSync(args.envelope, 'utf8'));
const ENVELOPE = Object.keys(envelopeSchema.properties);
const ROLE_ATTRIBUTE = { event_id: 'id', aggregate_id: 'subject', occurred_at: 'time' };
const IMPLIED = new Set(['event_name', 'aggregate_type']);
const CORE = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'];

let passed = 0;
let failed = 0;

function snake(s) {
    return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/* The CloudEvent the mapping gives for a domain event, as a plain object in the JSON format. */
function expectedCloudEvent(ev) {
    const agg = snake(ev.aggregate_type);
    const name = snake(ev.event_name);
    const verb = name.startsWith(agg + '_') ? name.slice(agg.length + 1) : name;
    const ce = {
        specversion: '1.0',
        id: ev.event_id,
        source: args.source,
        type: `${args['type-prefix']}.${agg}.${verb}`,
        subject: ev.aggregate_id,
        time: ev.occurred_at,
        datacontenttype: 'application/json',
        dataschema: `${args['schema-base']}${name}.schema.json`,
    };
    for (const f of ENVELOPE) {
        if (IMPLIED.has(f) || ROLE_ATTRIBUTE[f] || ev[f] === undefined) continue;
        ce[f.replace(/_/g, '')] = ev[f];
    }
    ce.partitionkey = ev.aggregate_id;
    const data = {};
    for (const [k, v] of Object.entries(ev)) if (!ENVELOPE.includes(k)) data[k] = v;
    ce.data = data;
    return ce;
}

function sortKeys(x) {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (x && typeof x === 'object') {
        const o = {};
        for (const k of Object.keys(x).sort()) o[k] = sortKeys(x[k]);
        return o;
    }
    return x;
}
function same(a, b) {
    return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/* Differences between the expected CloudEvent and one the SDK read. */
function compare(exp, ce, binary) {
    const diffs = [];
    for (const a of CORE) {
        const e = exp[a];
        const g = ce[a];
        if (a === 'time') {
            if (Date.parse(e) !== Date.parse(g)) diffs.push(`time: expected ${e}, got ${g}`);
        } else if (e !== g) {
            diffs.push(`${a}: expected ${JSON.stringify(e)}, got ${JSON.stringify(g)}`);
        }
    }
    const expExt = Object.keys(exp).filter((k) => !CORE.includes(k) && k !== 'data');
    const gotExt = Object.keys(ce).filter((k) => !CORE.includes(k) && k !== 'data' && k !== 'data_base64' && ce[k] !== undefined);
    if (expExt.sort().join(',') !== gotExt.sort().join(','))
        diffs.push(`extensions: expected [${expExt}], got [${gotExt}]`);
    for (const k of expExt) {
        const ok = binary ? String(exp[k]) === String(ce[k]) : exp[k] === ce[k];
        if (!ok) diffs.push(`extension ${k}: expected ${JSON.stringify(exp[k])}, got ${JSON.stringify(ce[k])}`);
    }
    const data = typeof ce.data === 'string' ? JSON.parse(ce.data) : ce.data;
    if (!same(exp.data, data)) diffs.push(`data: expected ${JSON.stringify(exp.data)}, got ${JSON.stringify(ce.data)}`);
    return diffs;
}

function runCase(name, fn) {
    try {
        fn();
        passed++;
    } catch (e) {
        failed++;
        console.log(`FAIL ${name}: ${e.message}`);
    }
}

function tool(argv) {
    const r = spawnSync(args.tool, argv, { maxBuffer: 64 << 20 });
    if (r.error) throw new Error(`cannot run ${args.tool}: ${r.error.message}`);
    return r;
}

/* ---- message files (the formats of `eventc ce`) ---- */

function parseHttpFile(buf) {
    const sep = buf.indexOf('\r\n\r\n');
    if (sep < 0) throw new Error('no blank line in the HTTP message');
    const lines = buf.subarray(0, sep).toString('latin1').split('\r\n');
    const headers = {};
    for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, body: buf.subarray(sep + 4) };
}

/* HTTP binding 3.1.3.2: printable ASCII, space, '"', '%' and all else outside U+0021-U+007E as %XX. */
const ENCODED = /^(?:[\x21\x23\x24\x26-\x7e]|%[0-9A-F]{2})*$/;

function percentEncode(s) {
    let out = '';
    for (const b of Buffer.from(s, 'utf8')) {
        if (b <= 0x20 || b >= 0x7f || b === 0x22 || b === 0x25) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
        else out += String.fromCharCode(b);
    }
    return out;
}

function writeHttp(file, headers, body) {
    let head = 'POST /events HTTP/1.1\r\n';
    for (const [k, v] of Object.entries(headers)) {
        if (v === undefined) continue;
        const s = String(v);
        head += `${k}: ${k.toLowerCase().startsWith('ce-') ? percentEncode(s) : s}\r\n`;
    }
    head += '\r\n';
    fs.writeFileSync(file, Buffer.concat([Buffer.from(head, 'utf8'), body]));
}

function bodyBytes(body) {
    if (body === undefined || body === null) return Buffer.alloc(0);
    if (typeof body === 'string') return Buffer.from(body, 'utf8');
    return Buffer.from(JSON.stringify(body), 'utf8');
}

function readKafka(buf) {
    const doc = JSON.parse(buf.toString('utf8'));
    const headers = {};
    for (const [k, v] of doc.headers) headers[k] = v;
    const value = doc.value === null ? null : Buffer.from(doc.value, 'utf8');
    const msg = { headers, value, body: value };
    if (doc.key !== null) msg.key = doc.key;
    return msg;
}

function writeKafka(file, msg) {
    const headers = [];
    for (const [k, v] of Object.entries(msg.headers)) if (v !== undefined && v !== null) headers.push([k, String(v)]);
    const doc = { key: msg.key === undefined || msg.key === null ? null : String(msg.key), headers };
    const v = msg.value;
    doc.value = v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
    fs.writeFileSync(file, JSON.stringify(doc));
}

/* ---- the examples ---- */

const examples = fs
    .readdirSync(args.examples)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
        const file = path.join(args.examples, f);
        return { name: f.replace(/\.example\.json$|\.json$/, ''), file, event: JSON.parse(fs.readFileSync(file, 'utf8')) };
    });
if (examples.length === 0) {
    console.error(`no examples in ${args.examples}`);
    process.exit(2);
}
/* No example carries the optional idempotency_key: variants of a few of them do. */
for (const ex of examples.slice(0, 3)) {
    const event = { ...ex.event, idempotency_key: `idem-${ex.name}` };
    const file = path.join(workDir, `${ex.name}.idempotent.json`);
    fs.writeFileSync(file, JSON.stringify(event));
    examples.push({ name: `${ex.name}.idempotent`, file, event });
}

function oursToSdk() {
    for (const ex of examples) {
        const exp = expectedCloudEvent(ex.event);
        for (const binding of ['http', 'kafka']) {
            for (const mode of ['binary', 'structured']) {
                runCase(`${ex.name} ${binding}-${mode}`, () => {
                    const r = tool(['to-cloudevent', '--binding', binding, '--mode', mode, ex.file]);
                    if (r.status !== 0) throw new Error(`to-cloudevent exited ${r.status}: ${r.stderr.toString().trim()}`);
                    const file = path.join(workDir, `${ex.name}.${mode}.${binding === 'http' ? 'http' : 'kafka.json'}`);
                    fs.writeFileSync(file, r.stdout);
                    let ce;
                    if (binding === 'http') {
                        const m = parseHttpFile(r.stdout);
                        const headers = {};
                        for (const [k, v] of Object.entries(m.headers)) {
                            if (k.startsWith('ce-')) {
                                if (!ENCODED.test(v)) throw new Error(`header ${k} is not percent-encoded: ${v}`);
                                headers[k] = decodeURIComponent(v);
                            } else {
                                headers[k] = v;
                            }
                        }
                        if (m.headers['content-length'] !== String(m.body.length)) throw new Error('content-length does not match the body');
                        ce = HTTP.toEvent({ headers, body: m.body.toString('utf8') });
                    } else {
                        const msg = readKafka(r.stdout);
                        if (msg.key !== ex.event.aggregate_id) throw new Error(`record key ${msg.key} is not the aggregate id ${ex.event.aggregate_id}`);
                        ce = Kafka.toEvent(msg);
                    }
                    ce.validate();
                    const diffs = compare(exp, ce, mode === 'binary');
                    if (diffs.length) throw new Error(diffs.join('; '));
                });
            }
        }
    }
}

/* The domain events from-cloudevent gives must equal the examples (timestamps as instants). */
function sameEvent(want, got) {
    const a = { ...want };
    const b = { ...got };
    if (Date.parse(a.occurred_at) !== Date.parse(b.occurred_at)) return false;
    delete a.occurred_at;
    delete b.occurred_at;
    return same(a, b);
}

/* Writes the SDK's message for ce in one binding and mode; returns the file. */
function sdkMessage(ce, base, binding, mode) {
    if (binding === 'http') {
        const m = mode === 'binary' ? HTTP.binary(ce) : HTTP.structured(ce);
        const file = `${base}.${mode}.http`;
        writeHttp(file, m.headers, bodyBytes(m.body));
        return file;
    }
    const m = mode === 'binary' ? Kafka.binary(ce) : Kafka.structured(ce);
    const file = `${base}.${mode}.kafka.json`;
    writeKafka(file, m);
    return file;
}

/* CloudEvents the SDK accepts that are no valid messaging event, with the refusal eventc gives. */
const REFUSALS = [
    ['unknown-type', (ce) => ({ ...ce, type: `${args['type-prefix']}.customer.exploded` }), 'type: unknown event type'],
    ['no-actor', (ce) => { const c = { ...ce }; delete c.actor; return c; }, 'actor: required extension attribute is missing'],
    ['version-zero', (ce) => ({ ...ce, version: 0 }), 'version: 0 is less than the minimum 1 [minimum]'],
    ['envelope-in-data', (ce) => ({ ...ce, data: { ...ce.data, event_id: ce.id } }), 'data.event_id: the envelope field event_id must not be in data'],
    ['no-data', (ce) => { const c = { ...ce }; delete c.data; return c; }, 'data: no data'],
    ['other-schema', (ce) => ({ ...ce, dataschema: `${args['schema-base']}other.schema.json` }), 'dataschema: not the schema of'],
];

function sdkToOurs() {
    for (const ex of examples) {
        const exp = expectedCloudEvent(ex.event);
        let ce;
        try {
            ce = new CloudEvent(exp);
            ce.validate();
        } catch (e) {
            failed++;
            console.log(`FAIL ${ex.name}: the SDK refuses the expected CloudEvent: ${e.message}`);
            continue;
        }
        const base = path.join(workDir, ex.name);
        for (const binding of ['http', 'kafka']) {
            for (const mode of ['binary', 'structured']) {
                runCase(`${ex.name} ${binding}-${mode}`, () => {
                    const file = sdkMessage(ce, base, binding, mode);
                    const r = tool(['from-cloudevent', '--binding', binding, file]);
                    if (r.status !== 0) throw new Error(`from-cloudevent exited ${r.status}: ${r.stderr.toString().trim()}`);
                    const got = JSON.parse(r.stdout.toString('utf8'));
                    if (!sameEvent(ex.event, got)) throw new Error(`got ${JSON.stringify(got)}, want ${JSON.stringify(ex.event)}`);
                });
            }
        }
    }
    /* The refusals, on the first example, in every binding and mode. */
    const ex = examples[0];
    for (const [name, mutate, want] of REFUSALS) {
        const bad = new CloudEvent(mutate(expectedCloudEvent(ex.event)));
        for (const binding of ['http', 'kafka']) {
            for (const mode of ['binary', 'structured']) {
                runCase(`refusal ${name} ${binding}-${mode}`, () => {
                    const file = sdkMessage(bad, path.join(workDir, `refusal-${name}`), binding, mode);
                    const r = tool(['from-cloudevent', '--binding', binding, file]);
                    const err = r.stderr.toString();
                    if (r.status !== 1 || r.stdout.length !== 0 || !err.includes(want))
                        throw new Error(`expected status 1 and "${want}", got status ${r.status}: ${err.trim()}`);
                });
            }
        }
    }
}

if (args.direction === 'ours-to-sdk') oursToSdk();
else if (args.direction === 'sdk-to-ours') sdkToOurs();
else {
    console.error(`unknown --direction ${args.direction}`);
    process.exit(2);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

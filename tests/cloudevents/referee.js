'use strict';
/*
 * Referee for eventc's CloudEvents runtime: the official CloudEvents JavaScript SDK (the exact
 * version pinned in package-lock.json) reads what `eventc ce emit` writes, and `eventc ce parse`
 * reads what the SDK writes, for every event in tests/cloudevents/events/. Each message must give
 * back the same event, attribute for attribute.
 *
 *   node referee.js --eventc EXE --events DIR --work DIR --direction ours-to-sdk|sdk-to-ours
 *
 * EXE is run as `EXE ce parse|emit ...`. Messages are kept in the work folder for inspection.
 *
 * Where the SDK departs from the spec the departure is handled here, in the open:
 *  - HTTP binary mode: the SDK neither percent-encodes nor percent-decodes header values (HTTP
 *    binding 3.1.3.2). This script applies exactly that rule between the SDK and eventc: it
 *    checks that eventc's ce- header values are printable ASCII with space, '"' and '%' escaped,
 *    decodes them for the SDK, and encodes the SDK's values for eventc. When no value needs it,
 *    the SDK's raw output is also fed to eventc unchanged.
 *  - Binary mode carries every extension as a string, so there extensions compare by their
 *    canonical string; structured mode compares JSON types too.
 *  - The SDK keeps time at millisecond precision; times compare as instants to the millisecond.
 *  - The SDK reads JSON bodies only for application/json; other JSON types, and JSON scalars,
 *    come back as strings and are compared by their JSON meaning.
 *  - KNOWN_SDK_LIMITS below lists message shapes the SDK cannot produce or read at all; those
 *    cases are reported as skipped, with the reason. Messages the SDK writes against the spec
 *    (sdkInvalidFor) must be refused by eventc, and that is checked.
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { CloudEvent, HTTP, Kafka } = require('cloudevents');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['eventc', 'events', 'work', 'direction']) {
    if (!args[need]) {
        console.error(`missing --${need}`);
        process.exit(2);
    }
}
const workDir = path.join(args.work, args.direction);
fs.mkdirSync(workDir, { recursive: true });

const CORE = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'];
const NOT_EXTENSIONS = new Set([...CORE, 'data', 'data_base64', 'datacontentencoding', 'schemaurl']);

let passed = 0;
let failed = 0;
let skipped = 0;

function isJsonType(ct) {
    return typeof ct === 'string' && /^[^/;\s]+\/(?:[^;\s]*\+)?json(?:\s*;.*)?$/i.test(ct.trim());
}

/* A comparable view of an event: core attributes, extensions, data. */
function viewOfJsonFormat(obj) {
    const v = { attrs: {}, exts: {}, data: { kind: 'none' } };
    for (const a of CORE) if (obj[a] !== undefined && obj[a] !== null) v.attrs[a] = obj[a];
    for (const [k, val] of Object.entries(obj)) {
        if (!NOT_EXTENSIONS.has(k) && val !== null && val !== undefined) v.exts[k] = val;
    }
    if (obj.data_base64 !== undefined && obj.data_base64 !== null) {
        v.data = { kind: 'bytes', value: Buffer.from(obj.data_base64, 'base64') };
    } else if (obj.data !== undefined) {
        const json = obj.datacontenttype === undefined || isJsonType(obj.datacontenttype);
        if (json) v.data = { kind: 'json', value: obj.data };
        else if (obj.data !== null) v.data = { kind: 'string', value: obj.data };
    }
    return v;
}

function bytesOf(x) {
    if (Buffer.isBuffer(x)) return x;
    return Buffer.from(Array.from(x, (b) => b & 0xff));
}

function viewOfSdk(ce) {
    const v = { attrs: {}, exts: {}, data: { kind: 'none' } };
    for (const a of CORE) if (ce[a] !== undefined && ce[a] !== null) v.attrs[a] = ce[a];
    for (const k of Object.keys(ce)) {
        if (!NOT_EXTENSIONS.has(k) && ce[k] !== undefined && ce[k] !== null) v.exts[k] = ce[k];
    }
    if (ce.data_base64) v.data = { kind: 'bytes', value: Buffer.from(ce.data_base64, 'base64') };
    else if (ce.data === undefined || ce.data === null) v.data = { kind: 'none' };
    else if (ArrayBuffer.isView(ce.data)) v.data = { kind: 'bytes', value: bytesOf(ce.data) };
    else if (typeof ce.data === 'string') v.data = { kind: 'string', value: ce.data };
    else v.data = { kind: 'json', value: ce.data };
    return v;
}

function deepEqual(a, b) {
    return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
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
function tryParse(s) {
    try {
        return { ok: true, value: JSON.parse(s) };
    } catch (e) {
        return { ok: false };
    }
}

/* JSON data against a string the SDK left unparsed: equal when the string is the JSON text of
 * the value, or the value is that very JSON string or scalar. */
function jsonMatchesString(json, str) {
    const p = tryParse(str);
    if (p.ok && deepEqual(p.value, json)) return true;
    if (typeof json === 'string') return json === str;
    return json !== null && typeof json !== 'object' && String(json) === str;
}

function dataEqual(a, b, opts) {
    if (a.kind === 'none' || b.kind === 'none') {
        if (a.kind === b.kind) return true;
        const other = a.kind === 'none' ? b : a;
        return !!opts.emptyBodyIsNoData && other.kind === 'string' && other.value === '';
    }
    if (a.kind === 'bytes' && b.kind === 'bytes') return a.value.equals(b.value);
    if (a.kind === 'json' && b.kind === 'json') return deepEqual(a.value, b.value);
    if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
    const [x, y] = a.kind === 'json' ? [a, b] : b.kind === 'json' ? [b, a] : [a, b];
    if (x.kind === 'json' && y.kind === 'string') return jsonMatchesString(x.value, y.value);
    if (x.kind === 'json' && y.kind === 'bytes') return jsonMatchesString(x.value, y.value.toString('utf8'));
    /* string against bytes: the same UTF-8. */
    const s = x.kind === 'string' ? x : y;
    const bytes = x.kind === 'bytes' ? x : y;
    return Buffer.from(s.value, 'utf8').equals(bytes.value);
}

function ms(t) {
    return Date.parse(t);
}

/* Differences between the expected and the received view, as readable lines. */
function compare(exp, got, opts) {
    const diffs = [];
    for (const a of CORE) {
        const e = exp.attrs[a];
        const g = got.attrs[a];
        if (a === 'time') {
            if (e === undefined && opts.timeMayBeFilled) continue;
            if ((e === undefined) !== (g === undefined) || (e !== undefined && ms(e) !== ms(g)))
                diffs.push(`time: expected ${e}, got ${g}`);
            continue;
        }
        if (a === 'datacontenttype' && e === undefined && g !== undefined) {
            /* A JSON-format event without datacontenttype implies application/json; bindings
             * may state it. */
            if (/^application\/json\b/i.test(g) && (exp.data.kind === 'json' || exp.data.kind === 'none')) continue;
        }
        if (a === 'datacontenttype' && g === undefined && e !== undefined && opts.impliedOnBothSides) {
            if (/^application\/json\b/i.test(e) && (got.data.kind === 'json' || got.data.kind === 'none')) continue;
        }
        if (e !== g) diffs.push(`${a}: expected ${JSON.stringify(e)}, got ${JSON.stringify(g)}`);
    }
    const ek = Object.keys(exp.exts).sort();
    const gk = Object.keys(got.exts).sort();
    if (ek.join(',') !== gk.join(',')) diffs.push(`extensions: expected [${ek}], got [${gk}]`);
    for (const k of ek) {
        if (!(k in got.exts)) continue;
        const e = exp.exts[k];
        const g = got.exts[k];
        const same = opts.binary ? String(e) === String(g) : e === g;
        if (!same) diffs.push(`extension ${k}: expected ${JSON.stringify(e)}, got ${JSON.stringify(g)}`);
    }
    if (!dataEqual(exp.data, got.data, opts)) {
        const show = (d) => (d.kind === 'bytes' ? `bytes ${d.value.toString('base64')}` : `${d.kind} ${JSON.stringify(d.value)}`);
        diffs.push(`data: expected ${show(exp.data)}, got ${show(got.data)}`);
    }
    return diffs;
}

function runCase(name, fn) {
    try {
        const r = fn();
        if (r && r.skip) {
            skipped++;
            console.log(`skip ${name}: ${r.skip}`);
            return;
        }
        passed++;
    } catch (e) {
        failed++;
        console.log(`FAIL ${name}: ${e.message}`);
    }
}

function eventc(argv) {
    const r = spawnSync(args.eventc, ['ce', ...argv], { maxBuffer: 64 << 20 });
    if (r.error) throw new Error(`cannot run ${args.eventc}: ${r.error.message}`);
    return r;
}

function mustParse(binding, file) {
    const r = eventc(['parse', '--binding', binding, file]);
    if (r.status !== 0) throw new Error(`eventc ce parse exited ${r.status}: ${r.stderr.toString().trim()}`);
    const lines = r.stdout.toString('utf8').split('\n').filter((l) => l !== '');
    if (lines.length !== 1) throw new Error(`expected one line of output, got ${lines.length}`);
    return JSON.parse(lines[0]);
}

function mustEmit(binding, mode, file) {
    const r = eventc(['emit', '--binding', binding, '--mode', mode, file]);
    if (r.status !== 0) throw new Error(`eventc ce emit exited ${r.status}: ${r.stderr.toString().trim()}`);
    return r.stdout;
}

function expectSame(exp, got, opts) {
    const diffs = compare(exp, got, opts);
    if (diffs.length) throw new Error(diffs.join('; '));
}

/* ---- HTTP messages as files ---- */

function parseHttpFile(buf) {
    const sep = buf.indexOf('\r\n\r\n');
    if (sep < 0) throw new Error('no blank line in the HTTP message');
    const lines = buf.subarray(0, sep).toString('latin1').split('\r\n');
    const headers = {};
    for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { start: lines[0], headers, body: buf.subarray(sep + 4) };
}

/* The HTTP binding's rule for ce- header values: printable ASCII, with space, '"', '%' and
 * everything else outside U+0021-U+007E as %XX. */
const ENCODED = /^(?:[\x21\x23\x24\x26-\x7e]|%[0-9A-F]{2})*$/;

function percentEncode(s) {
    let out = '';
    for (const b of Buffer.from(s, 'utf8')) {
        if (b <= 0x20 || b >= 0x7f || b === 0x22 || b === 0x25) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
        else out += String.fromCharCode(b);
    }
    return out;
}

function bodyForSdk(bytes) {
    /* Web frameworks hand the SDK text bodies as strings; bytes that are not UTF-8 stay a Buffer. */
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (e) {
        return Buffer.from(bytes);
    }
}

function writeHttp(file, headers, body) {
    let head = 'POST /events HTTP/1.1\r\n';
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    head += '\r\n';
    fs.writeFileSync(file, Buffer.concat([Buffer.from(head, 'utf8'), body]));
}

function sdkBodyBytes(body) {
    if (body === undefined || body === null) return Buffer.alloc(0);
    if (ArrayBuffer.isView(body)) return bytesOf(body);
    if (typeof body === 'string') return Buffer.from(body, 'utf8');
    if (typeof body === 'object') return Buffer.from(JSON.stringify(body), 'utf8');
    return Buffer.from(String(body), 'utf8');
}

/* ---- Kafka records as files ---- */

function readKafka(buf) {
    const doc = JSON.parse(buf.toString('utf8'));
    const headers = {};
    for (const [k, v] of doc.headers) headers[k] = v;
    let value = null;
    if (doc.value_base64 !== undefined) value = Buffer.from(doc.value_base64, 'base64');
    else if (doc.value !== null && doc.value !== undefined) value = Buffer.from(doc.value, 'utf8');
    const msg = { headers, value, body: value };
    if (doc.key !== null) msg.key = doc.key;
    return msg;
}

function writeKafka(file, msg) {
    const headers = [];
    for (const [k, v] of Object.entries(msg.headers)) {
        if (v !== undefined && v !== null) headers.push([k, String(v)]);
    }
    const doc = { key: msg.key === undefined || msg.key === null ? null : String(msg.key), headers };
    const v = msg.value;
    if (v === undefined || v === null) doc.value = null;
    else if (ArrayBuffer.isView(v)) doc.value_base64 = bytesOf(v).toString('base64');
    else if (typeof v === 'string') doc.value = v;
    else if (typeof v === 'object') doc.value = JSON.stringify(v);
    else doc.value = String(v);
    fs.writeFileSync(file, JSON.stringify(doc));
}

/* ---- the events ---- */

const events = fs
    .readdirSync(args.events)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
        const file = path.join(args.events, f);
        return { name: f.replace(/\.json$/, ''), file, json: JSON.parse(fs.readFileSync(file, 'utf8')) };
    });
if (events.length === 0) {
    console.error(`no events in ${args.events}`);
    process.exit(2);
}

/* Message shapes the SDK cannot produce or read; the key is `<event>/<case>`. */
const KNOWN_SDK_LIMITS = {
    'kafka-binary-no-data':
        'Kafka.toEvent throws "Value is null or undefined" for a binary record without value, which is how the binding carries an event without data',
    'kafka-structured-no-time':
        'Kafka.toEvent calls new Date(undefined).toISOString() on structured records and throws RangeError when the event has no time',
    'http-binary-bytes-no-datacontenttype':
        'HTTP.binary always writes a content-type, defaulting to application/json, so binary data without datacontenttype is labelled JSON',
};

/* Messages the SDK writes that break the spec, which eventc must refuse: the key is the reason. */
function sdkInvalidFor(ev, kase) {
    const j = ev.json;
    if (kase.endsWith('-binary') && typeof j.data === 'string' && isJsonType(j.datacontenttype))
        return 'the SDK writes a JSON string datum without its quotes, which is not application/json (the JSON format spec calls this exact message invalid)';
    return null;
}

/* Runs `eventc ce parse` on a message that must be refused with a message containing want. */
function mustReject(binding, file, want) {
    const r = eventc(['parse', '--binding', binding, file]);
    const err = r.stderr.toString();
    if (r.status !== 1 || !err.includes(want)) throw new Error(`expected rejection containing "${want}", got status ${r.status}: ${err.trim()}`);
}

function limitFor(ev, kase) {
    const j = ev.json;
    const hasData = j.data !== undefined || j.data_base64 !== undefined;
    if (kase === 'kafka-binary' && !hasData) return KNOWN_SDK_LIMITS['kafka-binary-no-data'];
    if (kase === 'kafka-structured' && j.time === undefined) return KNOWN_SDK_LIMITS['kafka-structured-no-time'];
    if (args.direction === 'sdk-to-ours' && kase.startsWith('http-binary') && j.data_base64 !== undefined && j.datacontenttype === undefined)
        return KNOWN_SDK_LIMITS['http-binary-bytes-no-datacontenttype'];
    return null;
}

function oursToSdk() {
    const batch = [];
    for (const ev of events) {
        const exp = viewOfJsonFormat(ev.json);
        batch.push(ev.json);
        const base = path.join(workDir, ev.name);

        runCase(`${ev.name} http-binary`, () => {
            const raw = mustEmit('http', 'binary', ev.file);
            fs.writeFileSync(`${base}.binary.http`, raw);
            const m = parseHttpFile(raw);
            const headers = {};
            for (const [k, v] of Object.entries(m.headers)) {
                if (k.startsWith('ce-')) {
                    if (!ENCODED.test(v)) throw new Error(`header ${k} is not percent-encoded as HTTP binding 3.1.3.2 requires: ${v}`);
                    headers[k] = decodeURIComponent(v);
                } else {
                    headers[k] = v;
                }
            }
            if (m.headers['content-length'] !== String(m.body.length)) throw new Error('content-length does not match the body');
            const ce = HTTP.toEvent({ headers, body: bodyForSdk(m.body) });
            ce.validate();
            expectSame(exp, viewOfSdk(ce), { binary: true, timeMayBeFilled: true, emptyBodyIsNoData: true });
        });

        runCase(`${ev.name} http-structured`, () => {
            const raw = mustEmit('http', 'structured', ev.file);
            fs.writeFileSync(`${base}.structured.http`, raw);
            const m = parseHttpFile(raw);
            const ce = HTTP.toEvent({ headers: m.headers, body: m.body.toString('utf8') });
            ce.validate();
            expectSame(exp, viewOfSdk(ce), { binary: false, timeMayBeFilled: true });
        });

        for (const mode of ['binary', 'structured']) {
            const kase = `kafka-${mode}`;
            runCase(`${ev.name} ${kase}`, () => {
                const limit = limitFor(ev, kase);
                if (limit) return { skip: limit };
                const out = mustEmit('kafka', mode, ev.file);
                fs.writeFileSync(`${base}.${mode}.kafka.json`, out);
                const msg = readKafka(out);
                if (ev.json.partitionkey !== undefined && msg.key !== ev.json.partitionkey)
                    throw new Error(`record key ${msg.key} is not the partitionkey ${ev.json.partitionkey}`);
                const ce = Kafka.toEvent(msg);
                ce.validate();
                expectSame(exp, viewOfSdk(ce), { binary: mode === 'binary', timeMayBeFilled: true });
            });
        }
    }

    runCase('all-events http-batch', () => {
        const file = path.join(workDir, 'batch.json');
        fs.writeFileSync(file, JSON.stringify(batch));
        const raw = mustEmit('http', 'batch', file);
        fs.writeFileSync(path.join(workDir, 'batch.http'), raw);
        const m = parseHttpFile(raw);
        const got = HTTP.toEvent({ headers: m.headers, body: m.body.toString('utf8') });
        if (!Array.isArray(got) || got.length !== events.length) throw new Error(`expected ${events.length} events`);
        const diffs = [];
        got.forEach((ce, i) => {
            ce.validate();
            for (const d of compare(viewOfJsonFormat(events[i].json), viewOfSdk(ce), { binary: false, timeMayBeFilled: true }))
                diffs.push(`[${i}] ${d}`);
        });
        if (diffs.length) throw new Error(diffs.join('; '));
    });
}

/* The SDK's event for a source event: data_base64 becomes a Buffer, the SDK's binary type. */
function sdkEvent(json) {
    const props = { ...json };
    if (props.data_base64 !== undefined) {
        props.data = Buffer.from(props.data_base64, 'base64');
        delete props.data_base64;
    }
    return new CloudEvent(props);
}

function sdkToOurs() {
    for (const ev of events) {
        const base = path.join(workDir, ev.name);
        let ce;
        try {
            ce = sdkEvent(ev.json);
        } catch (e) {
            failed++;
            console.log(`FAIL ${ev.name}: the SDK refuses the event: ${e.message}`);
            continue;
        }
        const exp = viewOfSdk(ce);

        runCase(`${ev.name} http-binary`, () => {
            const limit = limitFor(ev, 'http-binary');
            if (limit) return { skip: limit };
            const m = HTTP.binary(ce);
            const body = sdkBodyBytes(m.body);
            const encoded = {};
            let needsEncoding = false;
            for (const [k, v] of Object.entries(m.headers)) {
                if (v === undefined) continue;
                const s = String(v);
                if (k.toLowerCase().startsWith('ce-')) {
                    encoded[k] = percentEncode(s);
                    if (/[%"]/.test(s) || s !== s.trim()) needsEncoding = true;
                } else {
                    encoded[k] = s;
                }
            }
            writeHttp(`${base}.binary.http`, encoded, body);
            if (sdkInvalidFor(ev, 'http-binary')) {
                mustReject('http', `${base}.binary.http`, 'body: not JSON although the content type is application/json');
                return null;
            }
            const ours = viewOfJsonFormat(mustParse('http', `${base}.binary.http`));
            expectSame(exp, ours, { binary: true });
            if (!needsEncoding) {
                /* The SDK's own bytes, unencoded: eventc accepts raw UTF-8 and inner spaces. */
                const rawHeaders = {};
                for (const [k, v] of Object.entries(m.headers)) if (v !== undefined) rawHeaders[k] = String(v);
                writeHttp(`${base}.binary-raw.http`, rawHeaders, body);
                expectSame(exp, viewOfJsonFormat(mustParse('http', `${base}.binary-raw.http`)), { binary: true });
            }
        });

        runCase(`${ev.name} http-structured`, () => {
            const m = HTTP.structured(ce);
            writeHttp(`${base}.structured.http`, m.headers, Buffer.from(m.body, 'utf8'));
            expectSame(exp, viewOfJsonFormat(mustParse('http', `${base}.structured.http`)), { binary: false });
        });

        runCase(`${ev.name} kafka-binary`, () => {
            const m = Kafka.binary(ce);
            writeKafka(`${base}.binary.kafka.json`, m);
            if (sdkInvalidFor(ev, 'kafka-binary')) {
                mustReject('kafka', `${base}.binary.kafka.json`, 'value: not JSON although the content type is application/json');
                return null;
            }
            expectSame(exp, viewOfJsonFormat(mustParse('kafka', `${base}.binary.kafka.json`)), { binary: true });
        });

        runCase(`${ev.name} kafka-structured`, () => {
            const m = Kafka.structured(ce);
            writeKafka(`${base}.structured.kafka.json`, m);
            expectSame(exp, viewOfJsonFormat(mustParse('kafka', `${base}.structured.kafka.json`)), { binary: false });
        });
    }
}

if (args.direction === 'ours-to-sdk') oursToSdk();
else if (args.direction === 'sdk-to-ours') sdkToOurs();
else {
    console.error(`unknown --direction ${args.direction}`);
    process.exit(2);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);

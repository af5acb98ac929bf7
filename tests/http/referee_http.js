'use strict';
/*
 * Referee for the HTTP adapter: the official CloudEvents JavaScript SDK (pinned in
 * tests/cloudevents/package-lock.json) against our webhook receiver and our publisher, over real
 * HTTP on 127.0.0.1, for every example event of the messaging catalog, in binary and in
 * structured mode.
 *
 *   node referee_http.js --tool MESSAGING_EVENTS --post CE_POST --examples DIR --work DIR
 *        --direction sdk-to-ours|ours-to-sdk
 *
 *  sdk-to-ours  `messaging-events serve` listens on a free port; the SDK's HTTP emitter
 *               (emitterFor(httpTransport(url))) sends each example's CloudEvent (the JSON format
 *               of `messaging-events to-cloudevent --binding json`, read by the SDK), binary mode
 *               then structured mode. Every emit must be answered without a body (204), and serve
 *               must print, in order, each example's canonical JSON (`messaging-events
 *               normalize`) once per mode.
 *  ours-to-sdk  a Node `http` server reads every request with the SDK's HTTP.toEvent (which
 *               validates it) and answers 204; our publisher (ce_post, eventc_http_publisher)
 *               sends the same CloudEvents, binary, structured, then batch mode. Every event must arrive once,
 *               equal to the one sent, attribute for attribute and data, and the events of each
 *               key (partitionkey) in the order sent (requests run over several connections).
 *
 * As in tests/cloudevents/referee.js, the SDK does not percent-encode or decode ce- header values
 * (HTTP binding 3.1.3.2); the examples hold no value that needs it, and that is checked. Binary
 * mode carries extensions as strings, so there they compare as strings.
 */
const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { CloudEvent, HTTP, Mode, emitterFor, httpTransport } = require('cloudevents');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['tool', 'examples', 'work', 'direction']) {
    if (!args[need]) {
        console.error(`missing --${need}`);
        process.exit(2);
    }
}
const workDir = path.join(args.work, args.direction);
fs.mkdirSync(workDir, { recursive: true });

const MODES = [['binary', Mode.BINARY], ['structured', Mode.STRUCTURED]];
const CORE = ['specversion', 'id', 'source', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'];
let failed = 0;
function fail(msg) {
    failed++;
    console.log(`FAIL ${msg}`);
}

function tool(argv) {
    const r = spawnSync(args.tool, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.tool} ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
}

/* The examples, each with its CloudEvent (JSON format) in a file and its canonical JSON. */
const examples = fs.readdirSync(args.examples).filter((f) => f.endsWith('.example.json')).sort().map((f) => {
    const file = path.join(args.examples, f);
    const ceFile = path.join(workDir, f.replace('.example.json', '.ce.json'));
    const ceJson = tool(['to-cloudevent', '--binding', 'json', file]);
    fs.writeFileSync(ceFile, ceJson);
    return { name: f, ce: JSON.parse(ceJson), ceFile, canonical: tool(['normalize', file]).trim() };
});
if (examples.length !== 21) fail(`expected the 21 messaging examples, found ${examples.length}`);

/* No header value needs percent-encoding (the SDK would not do it). */
for (const ex of examples) {
    for (const [k, v] of Object.entries(ex.ce)) {
        if (k !== 'data' && typeof v === 'string' && !/^[\x21-\x7e ]*$/.test(v.replace(/[ "%]/g, ''))) {
            fail(`${ex.name}: ${k} would need percent-encoding in a header`);
        }
        if (k !== 'data' && typeof v === 'string' && /[ "%]/.test(v) && k !== 'source') {
            /* space, '"' and '%' are encoded by us and not decoded by the SDK */
            fail(`${ex.name}: ${k} holds a character the binding percent-encodes: ${JSON.stringify(v)}`);
        }
    }
}

function view(ce, binary) {
    const v = { attrs: {}, exts: {}, data: ce.data };
    for (const a of CORE) if (ce[a] !== undefined && ce[a] !== null) v.attrs[a] = ce[a];
    if (v.attrs.time !== undefined) v.attrs.time = new Date(v.attrs.time).toISOString();
    for (const k of Object.keys(ce)) {
        if (!CORE.includes(k) && k !== 'data' && k !== 'data_base64' && ce[k] !== undefined) {
            v.exts[k] = binary ? String(ce[k]) : ce[k];
        }
    }
    if (typeof v.data === 'string') {
        try {
            v.data = JSON.parse(v.data);
        } catch (e) {
            /* text stays text */
        }
    }
    return v;
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

function waitFor(test, what, ms) {
    return new Promise((resolve, reject) => {
        const until = Date.now() + ms;
        const tick = () => {
            const r = test();
            if (r) resolve(r);
            else if (Date.now() > until) reject(new Error(`${what}: nothing after ${ms / 1000} s`));
            else setTimeout(tick, 50);
        };
        tick();
    });
}

async function sdkToOurs() {
    const errFile = path.join(workDir, 'serve.err');
    const outFile = path.join(workDir, 'serve.out');
    const serve = spawn(args.tool, ['serve', '--listen', '127.0.0.1:0', '--max', String(examples.length * 2),
        '--timeout', '300'], { stdio: ['ignore', fs.openSync(outFile, 'w'), fs.openSync(errFile, 'w')] });
    let exited = null;
    serve.on('exit', (code) => { exited = code; });
    try {
        const port = await waitFor(() => {
            const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(fs.readFileSync(errFile, 'utf8'));
            return m ? m[1] : null;
        }, 'serve listening', 60000);
        const url = `http://127.0.0.1:${port}/events`;
        for (const [name, mode] of MODES) {
            const emit = emitterFor(httpTransport(url), { binding: HTTP, mode });
            for (const ex of examples) {
                const res = await emit(new CloudEvent(ex.ce));
                if (res.body !== '') fail(`${name} ${ex.name}: answered ${res.body}`);
            }
        }
        await waitFor(() => exited !== null, 'serve exiting', 60000);
        if (exited !== 0) fail(`serve exited ${exited}: ${fs.readFileSync(errFile, 'utf8')}`);
        const lines = fs.readFileSync(outFile, 'utf8').split('\n').filter((l) => l !== '');
        const want = [...examples.map((e) => e.canonical), ...examples.map((e) => e.canonical)];
        for (let i = 0; i < want.length; i++) {
            if (lines[i] !== want[i]) fail(`event ${i} (${examples[i % examples.length].name}, ${MODES[Math.floor(i / examples.length)][0]}): printed ${lines[i]}, want ${want[i]}`);
        }
        if (lines.length !== want.length) fail(`${lines.length} events printed, want ${want.length}`);
    } finally {
        if (exited === null) serve.kill('SIGKILL');
    }
}

async function oursToSdk() {
    const got = [];
    const server = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            try {
                const ev = HTTP.toEvent({ headers: req.headers, body });
                const list = Array.isArray(ev) ? ev : [ev];
                for (const e of list) {
                    e.validate();
                    got.push(e);
                }
                res.writeHead(204);
                res.end();
            } catch (e) {
                fail(`the SDK refused a request: ${e.message} ${JSON.stringify(e.errors || '')}`);
                res.writeHead(400, { 'Content-Type': 'text/plain' });
                res.end(String(e.message));
            }
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${server.address().port}/events`;
    try {
        for (const name of ['binary', 'structured', 'batch']) {
            got.length = 0;
            const post = spawn(args.post, [url, name, ...examples.map((e) => e.ceFile)], { stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            post.stdout.on('data', (d) => { out += d; });
            post.stderr.on('data', (d) => { out += d; });
            const code = await new Promise((resolve) => post.on('exit', resolve));
            if (code !== 0) fail(`${name}: our publisher exited ${code}: ${out}`);
            if (got.length !== examples.length) fail(`${name}: ${got.length} events arrived, want ${examples.length}`);
            /* Requests go over several connections at once: each event once, equal, and the
             * events of one key (partitionkey) in the order sent. */
            const byId = new Map(got.map((e, i) => [e.id, i]));
            if (byId.size !== got.length) fail(`${name}: an event arrived twice`);
            const lastOfKey = new Map();
            for (const ex of examples) {
                const at = byId.get(ex.ce.id);
                if (at === undefined) {
                    fail(`${name} ${ex.name}: never arrived`);
                    continue;
                }
                const want = view(ex.ce, name === 'binary');
                const have = view(got[at], name === 'binary');
                if (!same(want, have)) fail(`${name} ${ex.name}: got ${JSON.stringify(have)}, want ${JSON.stringify(want)}`);
                const key = ex.ce.partitionkey;
                if (lastOfKey.has(key) && lastOfKey.get(key) > at) fail(`${name} ${ex.name}: arrived before an earlier event of key ${key}`);
                lastOfKey.set(key, at);
            }
        }
    } finally {
        server.close();
    }
}

(args.direction === 'sdk-to-ours' ? sdkToOurs() : oursToSdk()).then(() => {
    const modes = args.direction === 'sdk-to-ours' ? 'binary, structured' : 'binary, structured, batch';
    console.log(`${args.direction}: ${examples.length} events in ${modes} mode, ${failed} failure(s)`);
    process.exit(failed === 0 ? 0 : 1);
}, (e) => {
    console.log(`FAIL ${e.stack || e.message}`);
    process.exit(1);
});

/* Template of the string scanner, included by json_scan.c once per vector level with:
 *   JSON_TMPL(name)   the level's name for a function (scan_string_avx2, ...)
 *   JSON_TMPL_ATTR    the attributes its functions need (target("avx2"), or nothing)
 * It defines json_scan_string_<level> (json_reader.h), with a cold part of its own.
 *   JSON_TMPL_FIND    const char *find(const char *p, const char *e): the first byte of [p, e)
 *                     that is '"', '\\', below 0x20 or above 0x7F, or e
 *   JSON_TMPL_WIDTH   bytes in one vector, or 0 for the scalar level (which keeps no masks)
 *   JSON_TMPL_MASK    uint64_t mask(const char *p): for the JSON_TMPL_WIDTH bytes at p, the
 *                     bits (JSON_TMPL_BPB per byte, the first byte lowest) set for the bytes
 *                     find stops at
 * so that every level runs exactly the same logic around its one vector loop. No include guard. */

/* Everything but a plain string: escapes, UTF-8, errors, from @p p (where the first run ended)
 * on. Apart, so that the common case below needs few registers. */
static JSON_TMPL_ATTR __attribute__((noinline)) eventc_status
JSON_TMPL(scan_string_rest)(json_reader *r, size_t max, json_string *s, const char *p)
{
    const char *q = r->p, *e = r->end;
    size_t chars = (size_t)(p - (q + 1)), saved = 0; /* saved: bytes that decode to nothing */
    bool esc = false, nul = false;
#if JSON_TMPL_WIDTH
    const char *mp = p, *end_v = p;
    uint64_t mask = 0;
#endif
    for (;;) {
        if (p >= e) {
            r->p = p;
            return json_fail(r, EVENTC_E_SYNTAX, "unterminated string");
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\\') {
            esc = true;
            chars++;
            if (e - p < 2) {
                r->p = p;
                return json_fail(r, EVENTC_E_SYNTAX, "unterminated string");
            }
            char x = p[1];
            if (x != 'u') {
                if (!simple_escape(x)) {
                    r->p = p;
                    return json_fail(r, EVENTC_E_SYNTAX, "invalid escape '\\%c'",
                                     (unsigned char)x >= 0x20 && (unsigned char)x < 0x7f ? x : '?');
                }
                p += 2;
                saved++;
                goto next;
            }
            int32_t cp = hex4(p + 2, e);
            if (cp < 0) {
                r->p = p;
                return json_fail(r, EVENTC_E_SYNTAX, "invalid \\u escape");
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                int32_t lo = cp <= 0xDBFF && e - p >= 12 && p[6] == '\\' && p[7] == 'u'
                                 ? hex4(p + 8, e)
                                 : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    r->p = p;
                    return json_fail(r, EVENTC_E_UTF8, "unpaired surrogate \\u%04X", (unsigned)cp);
                }
                p += 12;
                saved += 8; /* 12 bytes of text, 4 of UTF-8 */
                goto next;
            }
            nul |= cp == 0;
            p += 6;
            saved += cp < 0x80 ? 5 : cp < 0x800 ? 4 : 3;
            goto next;
        }
        if (c < 0x20) {
            r->p = p;
            return json_fail(r, EVENTC_E_SYNTAX,
                             "control character 0x%02X in a string must be escaped", c);
        }
        int k = text_utf8_sequence(p, e);
        if (k <= 0) {
            r->p = p;
            return json_fail(r, EVENTC_E_UTF8, "invalid UTF-8 in a string");
        }
        p += k;
        chars++;
    next : {
        const char *stop;
#if JSON_TMPL_WIDTH
        /* The special bytes of the last vector read are kept as a mask: in text full of escapes
         * and non-ASCII characters the next one is often in the same vector. mask's bit 0 (or
         * first JSON_TMPL_BPB bits) is the byte at mp; the vector ends at end_v. */
        if (p < end_v) {
            mask >>= (size_t)(p - mp) * JSON_TMPL_BPB;
            mp = p;
            if (mask) {
                stop = p + __builtin_ctzll(mask) / JSON_TMPL_BPB;
                goto found;
            }
        }
        for (const char *v = p < end_v ? end_v : p;; v += JSON_TMPL_WIDTH) {
            if (e - v < JSON_TMPL_WIDTH) {
                stop = JSON_TMPL_FIND(v, e);
                break;
            }
            mask = JSON_TMPL_MASK(v);
            mp = v;
            end_v = v + JSON_TMPL_WIDTH;
            if (mask) {
                stop = v + __builtin_ctzll(mask) / JSON_TMPL_BPB;
                break;
            }
        }
    found:
#else
        stop = JSON_TMPL_FIND(p, e);
#endif
        chars += (size_t)(stop - p);
        p = stop;
    }
    }
    size_t raw_len = (size_t)(p - (q + 1)), len = raw_len - saved;
    if (len > max) {
        r->p = q;
        return json_fail(r, EVENTC_E_LIMIT, "string longer than %zu bytes", max);
    }
    s->raw = q + 1;
    s->raw_len = raw_len;
    s->len = len;
    s->chars = chars;
    s->escaped = esc;
    s->nul = nul;
    r->p = p + 1;
    return EVENTC_OK;
}

JSON_TMPL_ATTR eventc_status JSON_TMPL(json_scan_string)(json_reader *r, size_t max, json_string *s)
{
    const char *q = r->p, *p = JSON_TMPL_FIND(q + 1, r->end);
    size_t n = (size_t)(p - (q + 1));
    if (p < r->end && *p == '"' && n <= max) {
        /* Plain ASCII: one run to the closing quote. */
        s->raw = q + 1;
        s->raw_len = n;
        s->len = n;
        s->chars = n;
        s->escaped = false;
        s->nul = false;
        r->p = p + 1;
        return EVENTC_OK;
    }
    return JSON_TMPL(scan_string_rest)(r, max, s, p);
}

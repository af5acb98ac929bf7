/* Text helpers shared by the runtime's parsers and their messages. */
#include "core/text_internal.h"
#include "eventc/utf8.h"

#include <stdio.h>
#include <string.h>

void text_quote(char *out, size_t cap, const char *s, size_t n)
{
    size_t o = 0, i = 0, shown = 0;
    if (cap < 8) {
        if (cap)
            out[0] = '\0';
        return;
    }
    out[o++] = '"';
    while (i < n) {
        char piece[16];
        size_t plen;
        uint32_t cp = 0;
        int k = eventc_utf8_decode(s + i, n - i, &cp);
        if (shown == 40) {
            break;
        }
        if (k > 0 && cp >= 0x20 && cp < 0x7f) {
            if (cp == '"' || cp == '\\') {
                piece[0] = '\\';
                piece[1] = (char)cp;
                plen = 2;
            } else {
                piece[0] = (char)cp;
                plen = 1;
            }
        } else if (k > 1 && cp >= 0xa0) {
            memcpy(piece, s + i, (size_t)k);
            plen = (size_t)k;
        } else {
            k = 1;
            snprintf(piece, sizeof(piece), "\\x%02X", (unsigned char)s[i]);
            plen = 4;
        }
        if (o + plen + 5 > cap)
            break;
        memcpy(out + o, piece, plen);
        o += plen;
        i += (size_t)k;
        shown++;
    }
    if (i < n && o + 4 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* ULID and UUID generation and checks. */
#define _POSIX_C_SOURCE 200809L

#include "eventc/id.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__) && defined(__has_include)
#if __has_include(<sys/random.h>)
#include <sys/random.h>
#define EVENTC_HAVE_GETRANDOM 1
#endif
#endif

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Fills buf with n random bytes from the kernel. */
static eventc_status fill_random(uint8_t *buf, size_t n)
{
    size_t got = 0;
    int fd;

#ifdef EVENTC_HAVE_GETRANDOM
    while (got < n) {
        ssize_t r = getrandom(buf + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; /* e.g. ENOSYS on old kernels: try the device */
        }
        got += (size_t)r;
    }
    if (got == n) {
        return EVENTC_OK;
    }
#endif
    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return EVENTC_E_IO;
    }
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            close(fd);
            return EVENTC_E_IO;
        }
        got += (size_t)r;
    }
    close(fd);
    return EVENTC_OK;
}

/* Value of a Crockford base32 character (either case), or -1 for anything else, I L O U
 * included (the lenient Crockford decoding of I/L as 1 and O as 0 is deliberately refused:
 * ids are compared as text). */
static int crockford_value(char c)
{
    if (c >= 'a' && c <= 'z') {
        c = (char)(c - 'a' + 'A');
    }
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c < 'A' || c > 'Z' || c == 'I' || c == 'L' || c == 'O' || c == 'U') {
        return -1;
    }
    return (int)(strchr(crockford, c) - crockford);
}

static void ulid_encode(uint64_t ms, const uint8_t rnd[10], char out[EVENTC_ULID_LEN + 1])
{
    uint64_t hi = 0; /* first 40 random bits */
    uint64_t lo = 0; /* last 40 random bits */
    int i;

    for (i = 0; i < 10; i++) {
        out[i] = crockford[(ms >> (45 - 5 * i)) & 31];
    }
    for (i = 0; i < 5; i++) {
        hi = (hi << 8) | rnd[i];
        lo = (lo << 8) | rnd[5 + i];
    }
    for (i = 0; i < 8; i++) {
        out[10 + i] = crockford[(hi >> (35 - 5 * i)) & 31];
        out[18 + i] = crockford[(lo >> (35 - 5 * i)) & 31];
    }
    out[EVENTC_ULID_LEN] = '\0';
}

eventc_status eventc_ulid_encode(uint64_t unix_ms, const uint8_t random[10],
                                 char out[EVENTC_ULID_LEN + 1])
{
    if (unix_ms > EVENTC_ULID_MAX_MS || random == NULL || out == NULL)
        return EVENTC_E_INVALID_ARGUMENT;
    ulid_encode(unix_ms, random, out);
    return EVENTC_OK;
}

void eventc_ulid_gen_init(eventc_ulid_gen *g)
{
    memset(g, 0, sizeof *g);
}

eventc_status eventc_ulid_gen_next(eventc_ulid_gen *g, uint64_t unix_ms,
                                   char out[EVENTC_ULID_LEN + 1])
{
    uint8_t next[10];

    if (unix_ms > EVENTC_ULID_MAX_MS) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    if (unix_ms <= g->last_ms) {
        /* Same millisecond, or the clock stepped back: stay on the last millisecond and count
         * up from the last random value (big-endian 80-bit increment). */
        int i;
        memcpy(next, g->last, sizeof next);
        for (i = 9; i >= 0; i--) {
            if (++next[i] != 0) {
                break;
            }
        }
        if (i < 0) {
            return EVENTC_E_LIMIT;
        }
        unix_ms = g->last_ms;
    } else {
        eventc_status st = fill_random(next, sizeof next);
        if (st != EVENTC_OK) {
            return st;
        }
    }
    g->last_ms = unix_ms;
    memcpy(g->last, next, sizeof next);
    ulid_encode(unix_ms, next, out);
    return EVENTC_OK;
}

/* One generator per thread: monotonic per thread without locks or shared state. Zero-filled
 * is a valid initial state. */
static _Thread_local eventc_ulid_gen thread_gen;

eventc_status eventc_ulid_new_at(uint64_t unix_ms, char out[EVENTC_ULID_LEN + 1])
{
    return eventc_ulid_gen_next(&thread_gen, unix_ms, out);
}

eventc_status eventc_ulid_new(char out[EVENTC_ULID_LEN + 1])
{
    struct timespec tv;
    if (clock_gettime(CLOCK_REALTIME, &tv) != 0 || tv.tv_sec < 0) {
        return EVENTC_E_IO;
    }
    return eventc_ulid_new_at((uint64_t)tv.tv_sec * 1000u + (uint64_t)tv.tv_nsec / 1000000u, out);
}

bool eventc_ulid_check(const char *s, size_t n)
{
    size_t i;
    if (s == NULL || n != EVENTC_ULID_LEN || s[0] < '0' || s[0] > '7') {
        return false;
    }
    for (i = 1; i < n; i++) {
        if (crockford_value(s[i]) < 0) {
            return false;
        }
    }
    return true;
}

bool eventc_ulid_time(const char *s, size_t n, uint64_t *unix_ms)
{
    uint64_t ms = 0;
    int i;
    if (!eventc_ulid_check(s, n)) {
        return false;
    }
    for (i = 0; i < 10; i++) {
        ms = (ms << 5) | (uint64_t)crockford_value(s[i]);
    }
    *unix_ms = ms;
    return true;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool eventc_uuid_check(const char *s, size_t n)
{
    size_t i;
    if (s == NULL || n != EVENTC_UUID_LEN) {
        return false;
    }
    for (i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) {
            return false;
        }
    }
    return true;
}

eventc_status eventc_uuid_v4(char out[EVENTC_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    size_t i;
    size_t o = 0;
    eventc_status st = fill_random(b, sizeof b);

    if (st != EVENTC_OK) {
        return st;
    }
    b[6] = (uint8_t)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3F) | 0x80); /* variant 10xx */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0xF];
    }
    out[o] = '\0';
    return EVENTC_OK;
}

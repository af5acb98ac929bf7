/* Signed events (signing.h): the canonical form, HMAC-SHA256 through libcrypto, the middleware
 * pair and a signing publisher. */
#include "eventc/signing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#define HMAC_LEN 32
#define SIG_PREFIX "v1="

static const char *const core_names[] = {"datacontenttype", "dataschema", "id",   "source",
                                         "specversion",     "subject",    "time", "type"};

typedef struct attr {
    const char *name;
} attr;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const attr *)a)->name, ((const attr *)b)->name);
}

static bool signed_attr(const char *name)
{
    return strcmp(name, EVENTC_SIGNATURE_EXT) != 0 && strcmp(name, "partitionkey") != 0;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static eventc_status append_field(eventc_buf *out, const char *s, size_t n)
{
    unsigned char len[4];
    put_u32(len, (uint32_t)n);
    eventc_buf_append(out, (const char *)len, 4);
    return eventc_buf_append(out, s, n);
}

eventc_status eventc_ce_canonical_form(const eventc_ce_event *ev, eventc_buf *out,
                                       eventc_error *err)
{
    size_t n_core = sizeof(core_names) / sizeof(core_names[0]);
    attr *attrs = malloc((n_core + ev->n_exts + 1) * sizeof(*attrs));
    if (attrs == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < n_core; i++) {
        attrs[n++].name = core_names[i];
    }
    for (size_t i = 0; i < ev->n_exts; i++) {
        if (signed_attr(ev->exts[i].name)) {
            attrs[n++].name = ev->exts[i].name;
        }
    }
    qsort(attrs, n, sizeof(*attrs), by_name);
    eventc_buf value;
    eventc_buf_init(&value, NULL);
    size_t before = out->len;
    eventc_status st = EVENTC_OK;
    for (size_t i = 0; i < n && st == EVENTC_OK; i++) {
        eventc_buf_reset(&value);
        st = eventc_ce_get_attr(ev, attrs[i].name, &value);
        if (st == EVENTC_E_REQUIRED) {
            st = EVENTC_OK; /* an absent optional attribute is simply not part of the form */
            continue;
        }
        if (st == EVENTC_OK) {
            append_field(out, attrs[i].name, strlen(attrs[i].name));
            st = append_field(out, value.data != NULL ? value.data : "", value.len);
        }
    }
    if (st == EVENTC_OK) {
        unsigned char head[9];
        uint64_t len = ev->data_kind == EVENTC_CE_DATA_NONE ? 0 : (uint64_t)ev->data_len;
        head[0] = ev->data_kind == EVENTC_CE_DATA_NONE ? 0 : 1;
        put_u32(head + 1, (uint32_t)(len >> 32));
        put_u32(head + 5, (uint32_t)len);
        eventc_buf_append(out, (const char *)head, sizeof(head));
        st = eventc_buf_append(out, ev->data != NULL ? ev->data : "", (size_t)len);
    }
    eventc_buf_free(&value);
    free(attrs);
    if (st != EVENTC_OK) {
        out->len = before;
        return eventc_error_set(err, st, NULL, "cannot build the canonical form");
    }
    return EVENTC_OK;
}

/* The HMAC of `ev`'s canonical form with `key`. */
static eventc_status mac(const eventc_ce_event *ev, const eventc_signing_key *key,
                         unsigned char out[HMAC_LEN], eventc_error *err)
{
    eventc_buf form;
    eventc_buf_init(&form, NULL);
    eventc_status st = eventc_ce_canonical_form(ev, &form, err);
    if (st == EVENTC_OK) {
        unsigned int len = 0;
        if (HMAC(EVP_sha256(), key->secret, (int)key->secret_len,
                 (const unsigned char *)(form.data != NULL ? form.data : ""), form.len, out,
                 &len) == NULL ||
            len != HMAC_LEN) {
            st = eventc_error_set(err, EVENTC_E_IO, NULL, "HMAC-SHA256 failed");
        }
    }
    eventc_buf_free(&form);
    return st;
}

static bool has_id(const eventc_signing_key *key)
{
    return key->id != NULL && key->id[0] != '\0';
}

eventc_status eventc_ce_sign(eventc_ce_event *ev, const eventc_signing_key *key, eventc_error *err)
{
    if (ev == NULL || key == NULL || key->secret == NULL || key->secret_len == 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "sign: no key");
    }
    eventc_status st = EVENTC_OK;
    if (has_id(key)) {
        st = eventc_ce_set_ext_string(ev, EVENTC_SIGNATURE_KEYID_EXT, key->id, err);
    } else {
        eventc_ce_remove_ext(ev, EVENTC_SIGNATURE_KEYID_EXT);
    }
    unsigned char h[HMAC_LEN];
    if (st == EVENTC_OK) {
        st = mac(ev, key, h, err);
    }
    if (st == EVENTC_OK) {
        char text[sizeof(SIG_PREFIX) + 48];
        memcpy(text, SIG_PREFIX, sizeof(SIG_PREFIX) - 1);
        eventc_ce_base64_encode(h, HMAC_LEN, text + sizeof(SIG_PREFIX) - 1);
        st = eventc_ce_set_ext_string(ev, EVENTC_SIGNATURE_EXT, text, err);
    }
    return st;
}

eventc_status eventc_ce_verify(const eventc_ce_event *ev, const eventc_signing_key *keys,
                               size_t n_keys, eventc_error *err)
{
    eventc_buf sig, kid;
    eventc_buf_init(&sig, NULL);
    eventc_buf_init(&kid, NULL);
    eventc_status st = eventc_ce_get_attr(ev, EVENTC_SIGNATURE_EXT, &sig);
    if (st == EVENTC_E_REQUIRED) {
        st = eventc_error_set(err, EVENTC_E_SIGNATURE, EVENTC_SIGNATURE_EXT,
                              "the event is not signed");
    }
    bool with_id = false;
    if (st == EVENTC_OK) {
        eventc_status ks = eventc_ce_get_attr(ev, EVENTC_SIGNATURE_KEYID_EXT, &kid);
        with_id = ks == EVENTC_OK;
        if (ks != EVENTC_OK && ks != EVENTC_E_REQUIRED) {
            st = eventc_error_set(err, ks, NULL, "cannot read the key id");
        }
    }
    const eventc_signing_key *key = NULL;
    for (size_t i = 0; st == EVENTC_OK && key == NULL && i < n_keys; i++) {
        if (with_id ? has_id(&keys[i]) && strcmp(keys[i].id, eventc_buf_cstr(&kid)) == 0
                    : !has_id(&keys[i])) {
            key = &keys[i];
        }
    }
    if (st == EVENTC_OK && key == NULL) {
        st = eventc_error_set(err, EVENTC_E_SIGNATURE, EVENTC_SIGNATURE_KEYID_EXT, "no key %s%s",
                              with_id ? "named " : "without an id",
                              with_id ? eventc_buf_cstr(&kid) : "");
    }
    unsigned char want[HMAC_LEN], got[HMAC_LEN + 3];
    if (st == EVENTC_OK) {
        st = mac(ev, key, want, err);
    }
    if (st == EVENTC_OK) {
        const char *text = eventc_buf_cstr(&sig);
        size_t plen = sizeof(SIG_PREFIX) - 1;
        size_t got_len = 0;
        bool ok = sig.len == plen + eventc_ce_base64_len(HMAC_LEN) &&
                  memcmp(text, SIG_PREFIX, plen) == 0 &&
                  eventc_ce_base64_decode(text + plen, sig.len - plen, got, &got_len) &&
                  got_len == HMAC_LEN;
        /* Constant time in the secret-dependent part: the MAC comparison. */
        if (!ok || CRYPTO_memcmp(got, want, HMAC_LEN) != 0) {
            st = eventc_error_set(err, EVENTC_E_SIGNATURE, EVENTC_SIGNATURE_EXT,
                                  "the signature does not match the event");
        }
    }
    eventc_buf_free(&sig);
    eventc_buf_free(&kid);
    return st;
}

/* ---- keys held by middleware ---- */

typedef struct keyring {
    eventc_signing_key *keys;
    size_t n;
} keyring;

static void keyring_free(void *self)
{
    keyring *k = self;
    for (size_t i = 0; i < k->n; i++) {
        free((void *)k->keys[i].id);
        if (k->keys[i].secret != NULL) {
            OPENSSL_cleanse((void *)k->keys[i].secret, k->keys[i].secret_len);
        }
        free((void *)k->keys[i].secret);
    }
    free(k->keys);
    free(k);
}

static keyring *keyring_copy(const eventc_signing_key *keys, size_t n)
{
    keyring *k = calloc(1, sizeof(*k));
    if (k == NULL || (k->keys = calloc(n, sizeof(*k->keys))) == NULL) {
        free(k);
        return NULL;
    }
    for (size_t i = 0; i < n; i++, k->n++) {
        unsigned char *secret = malloc(keys[i].secret_len > 0 ? keys[i].secret_len : 1);
        char *id = NULL;
        if (secret != NULL && has_id(&keys[i])) {
            size_t len = strlen(keys[i].id) + 1;
            if ((id = malloc(len)) != NULL) {
                memcpy(id, keys[i].id, len);
            }
        }
        if (secret == NULL || (has_id(&keys[i]) && id == NULL)) {
            free(secret);
            keyring_free(k);
            return NULL;
        }
        memcpy(secret, keys[i].secret, keys[i].secret_len);
        k->keys[i].id = id;
        k->keys[i].secret = secret;
        k->keys[i].secret_len = keys[i].secret_len;
    }
    return k;
}

static bool valid_keys(const eventc_signing_key *keys, size_t n)
{
    if (keys == NULL || n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (keys[i].secret == NULL || keys[i].secret_len == 0) {
            return false;
        }
    }
    return true;
}

static eventc_status sign_handle(void *self, eventc_call *call, eventc_error *err)
{
    keyring *k = self;
    size_t mark = eventc_emitter_count(call->out);
    eventc_status st = eventc_call_next(call, err);
    size_t n = eventc_emitter_count(call->out);
    for (size_t i = mark; i < n && st == EVENTC_OK; i++) {
        st = eventc_ce_sign(&eventc_emitter_get(call->out, i)->event, &k->keys[0], err);
    }
    return st;
}

static eventc_status verify_handle(void *self, eventc_call *call, eventc_error *err)
{
    keyring *k = self;
    if (call->in->malformed == NULL) {
        eventc_status st = eventc_ce_verify(&call->in->event, k->keys, k->n, err);
        if (st != EVENTC_OK) {
            call->poison = true; /* tampered or unsigned: never retried, dead-lettered */
            return st;
        }
    }
    return eventc_call_next(call, err);
}

eventc_status eventc_sign_middleware(const eventc_signing_key *key, eventc_middleware *out,
                                     eventc_error *err)
{
    if (!valid_keys(key, 1)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "sign: no key");
    }
    keyring *k = keyring_copy(key, 1);
    if (k == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    out->name = "sign";
    out->handle = sign_handle;
    out->self = k;
    out->destroy = keyring_free;
    return EVENTC_OK;
}

eventc_status eventc_verify_middleware(const eventc_signing_key *keys, size_t n_keys,
                                       eventc_middleware *out, eventc_error *err)
{
    if (!valid_keys(keys, n_keys)) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "verify: no keys");
    }
    keyring *k = keyring_copy(keys, n_keys);
    if (k == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    out->name = "verify";
    out->handle = verify_handle;
    out->self = k;
    out->destroy = keyring_free;
    return EVENTC_OK;
}

/* ---- a publisher that signs ---- */

typedef struct signing_pub {
    eventc_publisher base;
    eventc_publisher *inner;
    keyring *key;
} signing_pub;

static eventc_status sp_publish(eventc_publisher *pub, const char *topic,
                                const eventc_message *const *msgs, size_t n, eventc_error *outcomes,
                                eventc_error *err)
{
    signing_pub *sp = (signing_pub *)pub;
    eventc_message *copies = calloc(n, sizeof(*copies));
    const eventc_message **ptrs = calloc(n, sizeof(*ptrs));
    eventc_status st = copies != NULL && ptrs != NULL
                           ? EVENTC_OK
                           : eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    size_t made = 0;
    for (; st == EVENTC_OK && made < n; made++) {
        eventc_message_init(&copies[made], NULL);
        st = eventc_message_copy(&copies[made], msgs[made], err);
        if (st == EVENTC_OK) {
            st = eventc_ce_sign(&copies[made].event, &sp->key->keys[0], err);
        }
        ptrs[made] = &copies[made];
    }
    if (st == EVENTC_OK) {
        st = eventc_publisher_publish(sp->inner, topic, ptrs, n, outcomes, err);
    } else if (outcomes != NULL) {
        for (size_t i = 0; i < n; i++) {
            outcomes[i] = *err;
        }
    }
    for (size_t i = 0; copies != NULL && i < made; i++) {
        eventc_message_clear(&copies[i]);
    }
    free(copies);
    free(ptrs);
    return st;
}

static eventc_status sp_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    return eventc_publisher_flush(((signing_pub *)pub)->inner, timeout_ms, err);
}

static void sp_close(eventc_publisher *pub)
{
    signing_pub *sp = (signing_pub *)pub;
    keyring_free(sp->key);
    free(sp);
}

static const eventc_publisher_methods signing_methods = {EVENTC_PUBLISHER_VERSION, "signing",
                                                         sp_publish, sp_flush, sp_close};

eventc_publisher *eventc_signing_publisher_new(eventc_publisher *inner,
                                               const eventc_signing_key *key)
{
    if (inner == NULL || !valid_keys(key, 1)) {
        return NULL;
    }
    signing_pub *sp = calloc(1, sizeof(*sp));
    if (sp == NULL || (sp->key = keyring_copy(key, 1)) == NULL) {
        free(sp);
        return NULL;
    }
    sp->base.methods = &signing_methods;
    sp->inner = inner;
    return &sp->base;
}

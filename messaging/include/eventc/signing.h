/**
 * @file signing.h
 * @brief Signed events: HMAC-SHA256 over a canonical form of a CloudEvent, carried in the
 *        `signature` extension, and the middleware pair that signs what handlers emit and
 *        verifies what they receive. Library eventc_messaging_signing (OpenSSL's libcrypto).
 *
 * **Canonical form** (what is signed): every attribute of the event except `signature` and
 * `partitionkey` (transport routing that the Kafka binding may derive from the record key),
 * sorted by name (bytewise), each as
 *
 *     u32be(length of name) name u32be(length of value) value
 *
 * where value is the attribute's canonical string (cloudevents.h; so an Integer 5 and the
 * String "5" a binary-mode receiver reads back sign alike, and `time` is in its UTC form), then
 *
 *     u8(data kind: 0 none, 1 data) u64be(length of data) data
 *
 * with the data's bytes (minified JSON text, text or binary). The same event therefore verifies
 * after travelling in any binding and mode. `signature` = `v1=` + Base64 of the 32-byte HMAC.
 * An optional `signaturekeyid` extension names the key (it is signed like any attribute).
 *
 * Verification compares in constant time (CRYPTO_memcmp).
 */
#ifndef EVENTC_SIGNING_H
#define EVENTC_SIGNING_H

#include "eventc/router.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The extension holding the signature. */
#define EVENTC_SIGNATURE_EXT "signature"
/** The extension naming the key. */
#define EVENTC_SIGNATURE_KEYID_EXT "signaturekeyid"

/** A signing key: its id (NULL or "": none, no `signaturekeyid` is written) and secret. */
typedef struct eventc_signing_key {
    const char *id;
    const unsigned char *secret;
    size_t secret_len;
} eventc_signing_key;

/** Appends the canonical form of @p ev (see above) to @p out.
 *  @return EVENTC_OK, EVENTC_E_NOMEM, EVENTC_E_INVALID_ARGUMENT (an attribute that has no
 *  canonical string, such as an out-of-range time). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_canonical_form(const eventc_ce_event *ev,
                                                                   eventc_buf *out,
                                                                   eventc_error *err);

/** Signs @p ev with @p key: sets `signaturekeyid` (when the key has an id) and `signature`.
 *  @return EVENTC_OK, EVENTC_E_INVALID_ARGUMENT (empty secret), EVENTC_E_NOMEM. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_sign(eventc_ce_event *ev,
                                                         const eventc_signing_key *key,
                                                         eventc_error *err);

/**
 * Verifies @p ev against @p keys: the key whose id equals `signaturekeyid` (a key without id
 * when the event has none).
 * @return EVENTC_OK; EVENTC_E_SIGNATURE when the event is unsigned, names an unknown key, or its
 *         signature does not match; EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_verify(const eventc_ce_event *ev,
                                                           const eventc_signing_key *keys,
                                                           size_t n_keys, eventc_error *err);

/** Signing middleware: after a successful run, signs every emitted event with @p key (copied).
 *  Put it outside any middleware that changes emitted events (correlation), or their changes
 *  would break the signature. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_sign_middleware(const eventc_signing_key *key,
                                                                 eventc_middleware *out,
                                                                 eventc_error *err);

/** Verifying middleware: a message whose event does not verify against @p keys (copied) is
 *  poison: the chain fails with EVENTC_E_SIGNATURE without running further, and the
 *  dead-letter middleware dead-letters it. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_verify_middleware(const eventc_signing_key *keys,
                                                                   size_t n_keys,
                                                                   eventc_middleware *out,
                                                                   eventc_error *err);

/** @return a publisher that signs each message's event with @p key (copied) and publishes it
 *  through @p inner (borrowed; closing the returned publisher does not close it), or NULL when
 *  out of memory. */
EVENTC_API EVENTC_NODISCARD eventc_publisher *
eventc_signing_publisher_new(eventc_publisher *inner, const eventc_signing_key *key);

#ifdef __cplusplus
}
#endif

#endif

/**
 * @file cloudevents.h
 * @brief CloudEvents v1.0: the event type with its type system and validation rules, the JSON
 *        event format (single and batch), and the HTTP, Kafka and NATS protocol bindings in
 *        binary, structured and (HTTP) batch modes as plain header lists plus a body.
 *
 * Nothing here does I/O: the bindings turn an event into an eventc_ce_message (headers, body,
 * key) and back, so any HTTP, Kafka or NATS client library can carry it. See
 * docs/cloudevents.md.
 *
 * **Memory.** An eventc_ce_event owns everything it points to through one arena, like a decoded
 * catalog event (codec.h). Setters and decoders copy their input into that arena, so the
 * caller's buffers may be released as soon as the call returns; the event's strings stay valid
 * until the event is cleared (eventc_ce_clear) or decoded into again. Replacing an attribute
 * does not release the old copy before the event is cleared. A zero-filled event is a valid
 * empty event using malloc; eventc_ce_init also sets specversion to "1.0". Do not copy an
 * event struct to keep two live copies (they would share one arena): use eventc_ce_copy.
 * Fields may be read directly; they may also be assigned directly (pointing at memory the
 * caller keeps alive), in which case eventc_ce_validate judges them before encoding.
 *
 * **Errors.** Every fallible call returns an eventc_status and fills an optional eventc_error
 * with the attribute (a JSON path such as `$.time`, or a header name such as `ce-time`) and a
 * message. A failing setter leaves the event unchanged; a failing decoder leaves the output
 * empty (owning nothing). Spec violations use EVENTC_E_CLOUDEVENTS, a missing required
 * attribute EVENTC_E_REQUIRED, a JSON value of the wrong type EVENTC_E_TYPE.
 *
 * **Time.** CloudEvents allows any RFC 3339 date-time, offsets included (unlike the catalog's
 * timestamp type, which is UTC only): they are parsed in full, normalised to UTC, and always
 * written back in the canonical `...Z` form of eventc_timestamp_format.
 *
 * No global state; functions are thread-safe as long as each thread uses its own objects.
 */
#ifndef EVENTC_CLOUDEVENTS_H
#define EVENTC_CLOUDEVENTS_H

#include "eventc/arena.h"
#include "eventc/buf.h"
#include "eventc/common.h"
#include "eventc/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The only specversion this implementation produces and accepts. */
#define EVENTC_CE_SPECVERSION "1.0"
/** Attribute names SHOULD NOT be longer than this; longer names only raise a warning. */
#define EVENTC_CE_NAME_SOFT_MAX 20
/** Media type of the JSON event format (structured mode). */
#define EVENTC_CE_JSON_MEDIA_TYPE "application/cloudevents+json"
/** Media type of the JSON batch format (batched mode). */
#define EVENTC_CE_BATCH_MEDIA_TYPE "application/cloudevents-batch+json"

/* ---------------------------------------------------------------------------------------------
 * Type system
 * ------------------------------------------------------------------------------------------- */

/** The abstract types of CloudEvents attributes. */
typedef enum eventc_ce_type {
    EVENTC_CE_STRING,    /**< Unicode text without control characters or noncharacters */
    EVENTC_CE_INTEGER,   /**< a signed 32-bit integer */
    EVENTC_CE_BOOLEAN,   /**< true or false */
    EVENTC_CE_BINARY,    /**< bytes; canonical string: Base64 (RFC 4648) */
    EVENTC_CE_URI,       /**< an absolute URI (RFC 3986 section 4.3: scheme, no fragment) */
    EVENTC_CE_URI_REF,   /**< a URI-reference (RFC 3986 section 4.1) */
    EVENTC_CE_TIMESTAMP, /**< an RFC 3339 date-time, held in UTC */
} eventc_ce_type;

/**
 * An attribute value. Which members are meaningful depends on @c type:
 * STRING, URI, URI_REF use @c str / @c len (UTF-8, NUL-terminated); BINARY uses @c str / @c len
 * as raw bytes (a NUL follows them for convenience); INTEGER uses @c integer; BOOLEAN
 * @c boolean; TIMESTAMP @c timestamp.
 */
typedef struct eventc_ce_value {
    eventc_ce_type type;
    const char *str;
    size_t len;
    int32_t integer;
    bool boolean;
    eventc_timestamp timestamp;
} eventc_ce_value;

/** An extension attribute: its name (`[a-z0-9]+`) and value. */
typedef struct eventc_ce_ext {
    const char *name;
    eventc_ce_value value;
} eventc_ce_ext;

/** @return the name of @p t as the spec spells it ("String", "Integer", "URI-reference"...). */
EVENTC_API const char *eventc_ce_type_name(eventc_ce_type t);

/**
 * Parses @p s (@p n bytes) as the canonical string encoding of type @p t and checks it against
 * the type's rules. For STRING, URI, URI_REF and BINARY the result's @c str points into @p s
 * (BINARY: only after decoding; see below), so this is mostly a checker:
 * - STRING, URI, URI_REF: @p out->str = @p s, @p out->len = @p n;
 * - BINARY: checks the Base64 text; @p out->str is left NULL and @p out->len receives the
 *   decoded size (decode with eventc_ce_base64_decode);
 * - INTEGER, BOOLEAN, TIMESTAMP: the parsed value.
 * @param out may be NULL to only check.
 * @param err receives EVENTC_E_CLOUDEVENTS (or EVENTC_E_UTF8) with a message; path left empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_value_parse(eventc_ce_type t, const char *s,
                                                                size_t n, eventc_ce_value *out,
                                                                eventc_error *err);

/**
 * Appends the canonical string encoding of @p v to @p out: the text itself for STRING, URI and
 * URI_REF; decimal for INTEGER; `true`/`false`; Base64 with padding for BINARY; the canonical
 * UTC form (eventc_timestamp_format) for TIMESTAMP.
 * @return EVENTC_OK, EVENTC_E_NOMEM, or EVENTC_E_INVALID_ARGUMENT for a timestamp out of range.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_value_to_string(const eventc_ce_value *v,
                                                                    eventc_buf *out);

/**
 * Checks the String rules: valid UTF-8, no control characters (U+0000-U+001F, U+007F-U+009F),
 * no Unicode noncharacters (U+FDD0-U+FDEF, U+xxFFFE, U+xxFFFF).
 * @return EVENTC_OK, EVENTC_E_UTF8 or EVENTC_E_CLOUDEVENTS (message names the code point).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_check_string(const char *s, size_t n,
                                                                 eventc_error *err);

/**
 * Checks that @p s is an RFC 3986 URI-reference (@p absolute false) or absolute URI
 * (@p absolute true: a scheme, no fragment). Only ASCII is allowed; percent signs must start
 * a `%XX` escape; IPv6 and IPvFuture literals are checked.
 * @return EVENTC_OK or EVENTC_E_CLOUDEVENTS with the reason.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_check_uri(const char *s, size_t n,
                                                              bool absolute, eventc_error *err);

/**
 * Parses a full RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`, `T` and `Z`
 * in either case, any number of fraction digits (truncated to nanoseconds), a leap second
 * `:60` only where it falls on 23:59:60 UTC (it becomes the next second: there is no leap
 * second in eventc_timestamp). The result is normalised to UTC and must lie in years
 * 0000-9999.
 * @return EVENTC_OK or EVENTC_E_CLOUDEVENTS with the reason; @p out untouched on error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_parse_time(const char *s, size_t n,
                                                               eventc_timestamp *out,
                                                               eventc_error *err);

/**
 * Checks an RFC 2046 / RFC 7231 media type: `type/subtype` (tokens) followed by any number of
 * `; name=value` parameters (token or quoted-string values), optional white space around `;`.
 * ASCII only.
 * @return EVENTC_OK or EVENTC_E_CLOUDEVENTS with the reason.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_check_media_type(const char *s, size_t n,
                                                                     eventc_error *err);

/** What a media type says about data, ignoring parameters and case. */
typedef enum eventc_ce_media_class {
    EVENTC_CE_MEDIA_OTHER, /**< anything else: opaque bytes */
    EVENTC_CE_MEDIA_JSON,  /**< subtype `json` or ending in `+json` */
    EVENTC_CE_MEDIA_TEXT   /**< type `text`, subtype `xml` or ending in `+xml` */
} eventc_ce_media_class;

/** @return the class of media type @p s (NUL-terminated; NULL counts as OTHER). */
EVENTC_API eventc_ce_media_class eventc_ce_media_classify(const char *s);

/**
 * Checks an attribute name: 1 or more of `a-z` and `0-9`.
 * @return true when valid (length and first-character advice are only warnings; see
 *         eventc_ce_name_warnings).
 */
EVENTC_API bool eventc_ce_check_name(const char *s, size_t n);

/** @return true for the names an extension may not take: the core context attribute names
 *          (id, source, specversion, type, datacontenttype, dataschema, subject, time) and
 *          `data`, `data_base64`. */
EVENTC_API bool eventc_ce_is_reserved_name(const char *s, size_t n);

/** Warning flags (eventc_ce_event.warnings, eventc_ce_options.warn). */
enum {
    /** An attribute name is longer than EVENTC_CE_NAME_SOFT_MAX characters (SHOULD NOT). */
    EVENTC_CE_WARN_LONG_NAME = 1u << 0,
    /** An attribute name starts with a digit (SHOULD start with a letter). */
    EVENTC_CE_WARN_NAME_START = 1u << 1
};

/** @return the EVENTC_CE_WARN_* flags a valid name raises (0 for most names). */
EVENTC_API unsigned eventc_ce_name_warnings(const char *s, size_t n);

/** @return the length of the Base64 text of @p n bytes (with padding), excluding any NUL. */
EVENTC_API size_t eventc_ce_base64_len(size_t n);

/** Writes the Base64 text (RFC 4648 section 4, padded) of @p n bytes at @p p to @p out, which
 *  must hold eventc_ce_base64_len(n) + 1 bytes; a NUL is appended. */
EVENTC_API void eventc_ce_base64_encode(const void *p, size_t n, char *out);

/**
 * Decodes strict Base64 (standard alphabet, padding required, no white space, unused bits
 * zero) of @p n bytes at @p s into @p out, which must hold n / 4 * 3 bytes.
 * @param out_len receives the decoded length.
 * @return false when @p s is not strict Base64 (out content unspecified).
 */
EVENTC_API bool eventc_ce_base64_decode(const char *s, size_t n, void *out, size_t *out_len);

/* ---------------------------------------------------------------------------------------------
 * The event
 * ------------------------------------------------------------------------------------------- */

/** What the event's data holds. */
typedef enum eventc_ce_data_kind {
    EVENTC_CE_DATA_NONE,   /**< no data */
    EVENTC_CE_DATA_JSON,   /**< a JSON value (minified text); needs a JSON or absent
                                datacontenttype; JSON format: `"data": <value>` */
    EVENTC_CE_DATA_TEXT,   /**< UTF-8 text; needs a non-JSON datacontenttype; JSON format:
                                `"data": "<string>"` */
    EVENTC_CE_DATA_BINARY, /**< bytes; JSON format: `"data_base64"` */
} eventc_ce_data_kind;

/**
 * A CloudEvent. Optional attributes are NULL (or has_time false) when absent. See the file
 * comment for ownership.
 */
typedef struct eventc_ce_event {
    /** REQUIRED. "1.0" after eventc_ce_init and after decoding. */
    const char *specversion;
    /** REQUIRED non-empty String. */
    const char *id;
    /** REQUIRED non-empty URI-reference. */
    const char *source;
    /** REQUIRED non-empty String. */
    const char *type;
    /** OPTIONAL RFC 2046 media type of data. */
    const char *datacontenttype;
    /** OPTIONAL absolute URI. */
    const char *dataschema;
    /** OPTIONAL non-empty String. */
    const char *subject;
    /** OPTIONAL: whether @c time is set. */
    bool has_time;
    /** The time attribute, in UTC. */
    eventc_timestamp time;
    /** What @c data holds. */
    eventc_ce_data_kind data_kind;
    /** NULL for NONE; JSON: minified JSON text; TEXT: UTF-8; BINARY: bytes. A NUL always
     *  follows the @c data_len bytes. */
    const char *data;
    size_t data_len;
    /** Extension attributes, in insertion (or document) order; names are unique. */
    eventc_ce_ext *exts;
    size_t n_exts;
    /** EVENTC_CE_WARN_* flags raised while building or decoding this event. */
    unsigned warnings;
    /* Private. */
    size_t exts_cap_;
    eventc_arena *arena_;
    const eventc_allocator *alloc_;
} eventc_ce_event;

/**
 * Prepares an empty event with specversion "1.0". Never allocates and never fails; the arena
 * is created by the first setter.
 * @param alloc memory hooks for the event's arena (NULL: malloc); borrowed, must outlive it.
 */
EVENTC_API void eventc_ce_init(eventc_ce_event *ev, const eventc_allocator *alloc);

/**
 * Convenience constructor for an event whose data is a JSON text, the usual shape for domain
 * events: initialises @p ev, sets id (NULL: a fresh ULID), source, type, datacontenttype
 * "application/json" and the data (checked strictly and minified).
 * @return EVENTC_OK, or the first failing setter's status, with @p ev left empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_init_json(eventc_ce_event *ev,
                                                              const eventc_allocator *alloc,
                                                              const char *id, const char *source,
                                                              const char *type, const char *json,
                                                              size_t json_len, eventc_error *err);

/** Releases everything @p ev owns and leaves it as after eventc_ce_init with the same
 *  allocator (specversion "1.0"). NULL-safe. */
EVENTC_API void eventc_ce_clear(eventc_ce_event *ev);

/**
 * Deep-copies @p src into @p dst (which must be zero-filled, initialised or hold an event; what
 * it held is released). @p alloc is used for the copy's arena (NULL: malloc).
 * @return EVENTC_OK or EVENTC_E_NOMEM (then @p dst is empty).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_copy(eventc_ce_event *dst,
                                                         const eventc_ce_event *src,
                                                         const eventc_allocator *alloc,
                                                         eventc_error *err);

/**
 * Setters for the core attributes. Each checks the value against the attribute's rules (see
 * the event struct), copies it into the event's arena and replaces the previous value. For the
 * optional ones (subject, datacontenttype, dataschema) NULL unsets the attribute.
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT for NULL where a value is required;
 *         EVENTC_E_CLOUDEVENTS or EVENTC_E_UTF8 for a value the spec forbids (err->path names
 *         the attribute); EVENTC_E_NOMEM. On error the event is unchanged.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_id(eventc_ce_event *ev, const char *id,
                                                           eventc_error *err);
/** @copydoc eventc_ce_set_id */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_source(eventc_ce_event *ev,
                                                               const char *source,
                                                               eventc_error *err);
/** @copydoc eventc_ce_set_id (only "1.0" is accepted.) */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_specversion(eventc_ce_event *ev,
                                                                    const char *specversion,
                                                                    eventc_error *err);
/** @copydoc eventc_ce_set_id */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_type(eventc_ce_event *ev, const char *type,
                                                             eventc_error *err);
/** @copydoc eventc_ce_set_id */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_subject(eventc_ce_event *ev,
                                                                const char *subject,
                                                                eventc_error *err);
/** @copydoc eventc_ce_set_id */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_datacontenttype(eventc_ce_event *ev,
                                                                        const char *media_type,
                                                                        eventc_error *err);
/** @copydoc eventc_ce_set_id */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_dataschema(eventc_ce_event *ev,
                                                                   const char *uri,
                                                                   eventc_error *err);

/**
 * Sets the time attribute.
 * @return EVENTC_OK, or EVENTC_E_CLOUDEVENTS when @p t is outside years 0000-9999 or its
 *         nanoseconds exceed 999999999.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_time(eventc_ce_event *ev,
                                                             eventc_timestamp t, eventc_error *err);

/** Sets the time attribute from an RFC 3339 string (see eventc_ce_parse_time); NULL unsets. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_time_str(eventc_ce_event *ev,
                                                                 const char *rfc3339,
                                                                 eventc_error *err);

/**
 * Sets any attribute from its canonical string, as a binary-mode receiver does: a core
 * attribute by its name (`time` is parsed as RFC 3339), or else an extension of type STRING
 * (its name is checked). @p value is @p len bytes, not necessarily NUL-terminated.
 * @return as the setters.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_attr(eventc_ce_event *ev, const char *name,
                                                             const char *value, size_t len,
                                                             eventc_error *err);

/**
 * Appends the canonical string of attribute @p name (core or extension) to @p out.
 * @return EVENTC_OK; EVENTC_E_REQUIRED when the attribute is absent (nothing appended);
 *         EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_get_attr(const eventc_ce_event *ev,
                                                             const char *name, eventc_buf *out);

/**
 * Sets extension @p name to a copy of @p value (replacing any previous value in place, so the
 * order of extensions is kept). The name must match `[a-z0-9]+` and not be reserved; a long
 * name or one starting with a digit only adds to ev->warnings. The value must satisfy its
 * type's rules.
 * @return EVENTC_OK, EVENTC_E_CLOUDEVENTS / EVENTC_E_UTF8 (bad name or value),
 *         EVENTC_E_INVALID_ARGUMENT, EVENTC_E_NOMEM. On error the event is unchanged.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext(eventc_ce_event *ev, const char *name,
                                                            const eventc_ce_value *value,
                                                            eventc_error *err);
/** Sets a String extension (NUL-terminated UTF-8). @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_string(eventc_ce_event *ev,
                                                                   const char *name,
                                                                   const char *value,
                                                                   eventc_error *err);
/** Sets an Integer extension. @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_integer(eventc_ce_event *ev,
                                                                    const char *name, int32_t value,
                                                                    eventc_error *err);
/** Sets a Boolean extension. @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_boolean(eventc_ce_event *ev,
                                                                    const char *name, bool value,
                                                                    eventc_error *err);
/** Sets a Binary extension of @p n bytes. @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_binary(eventc_ce_event *ev,
                                                                   const char *name,
                                                                   const void *bytes, size_t n,
                                                                   eventc_error *err);
/** Sets a URI extension (absolute URI). @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_uri(eventc_ce_event *ev,
                                                                const char *name, const char *uri,
                                                                eventc_error *err);
/** Sets a URI-reference extension. @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_uri_ref(eventc_ce_event *ev,
                                                                    const char *name,
                                                                    const char *uri_ref,
                                                                    eventc_error *err);
/** Sets a Timestamp extension. @see eventc_ce_set_ext */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_ext_timestamp(eventc_ce_event *ev,
                                                                      const char *name,
                                                                      eventc_timestamp value,
                                                                      eventc_error *err);

/** @return extension @p name, or NULL when absent. The pointer is valid until the event's
 *          extensions change. */
EVENTC_API const eventc_ce_value *eventc_ce_get_ext(const eventc_ce_event *ev, const char *name);

/** Removes extension @p name. @return true when it was present. */
EVENTC_API bool eventc_ce_remove_ext(eventc_ce_event *ev, const char *name);

/**
 * Reads extension @p name as an Integer: its value when it is an INTEGER, or its canonical
 * string parsed when it is a STRING (as after binary mode, where every extension is a string).
 * @return EVENTC_OK; EVENTC_E_REQUIRED when absent; EVENTC_E_TYPE when not convertible.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_ext_integer(const eventc_ce_event *ev,
                                                                const char *name, int32_t *out);
/** Reads extension @p name as a Boolean (BOOLEAN, or STRING "true"/"false"). @see
 *  eventc_ce_ext_integer */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_ext_boolean(const eventc_ce_event *ev,
                                                                const char *name, bool *out);
/** Reads extension @p name as a Timestamp (TIMESTAMP, or STRING in RFC 3339). @see
 *  eventc_ce_ext_integer */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_ext_timestamp(const eventc_ce_event *ev,
                                                                  const char *name,
                                                                  eventc_timestamp *out);
/** Reads extension @p name as bytes (BINARY, or STRING holding Base64), appending them to
 *  @p out. @see eventc_ce_ext_integer (also EVENTC_E_NOMEM) */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_ext_binary(const eventc_ce_event *ev,
                                                               const char *name, eventc_buf *out);

/**
 * Sets the data to the JSON value @p json (@p len bytes), checked strictly (RFC 8259, UTF-8,
 * no duplicate object keys, default limits) and stored minified.
 * @return EVENTC_OK; EVENTC_E_SYNTAX, EVENTC_E_DUPLICATE_KEY, EVENTC_E_UTF8, EVENTC_E_LIMIT for
 *         bad JSON; EVENTC_E_CLOUDEVENTS when datacontenttype is set and not a JSON type;
 *         EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_data_json(eventc_ce_event *ev,
                                                                  const char *json, size_t len,
                                                                  eventc_error *err);
/**
 * Sets the data to UTF-8 text (any content, NUL bytes included).
 * @return EVENTC_OK; EVENTC_E_UTF8; EVENTC_E_CLOUDEVENTS when datacontenttype is absent or a
 *         JSON type (text in the JSON format needs a non-JSON type; use set_data_json for a
 *         JSON string); EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_data_text(eventc_ce_event *ev,
                                                                  const char *text, size_t len,
                                                                  eventc_error *err);
/** Sets the data to @p len bytes. @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_data_binary(eventc_ce_event *ev,
                                                                    const void *bytes, size_t len,
                                                                    eventc_error *err);
/**
 * Sets the data from a message body the way a binary-mode receiver reads it, by the event's
 * datacontenttype: empty -> no data; JSON types -> JSON (must be valid); text types -> TEXT
 * when valid UTF-8, else BINARY; anything else or no datacontenttype -> BINARY.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_set_data(eventc_ce_event *ev, const void *body,
                                                             size_t len, eventc_error *err);
/** Removes the data. */
EVENTC_API void eventc_ce_unset_data(eventc_ce_event *ev);

/**
 * Reads the data as a JSON text (minified, NUL-terminated, owned by the event).
 * @return EVENTC_OK; EVENTC_E_REQUIRED when there is no data; EVENTC_E_TYPE when the data is
 *         not JSON.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_data_json(const eventc_ce_event *ev,
                                                              const char **json, size_t *len);

/**
 * Checks the whole event against the spec: required attributes present and non-empty,
 * specversion "1.0", every value of its type, extension names valid, unique and not
 * reserved, data consistent with datacontenttype (see eventc_ce_data_kind) and JSON data
 * valid. err->path is the attribute name.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_validate(const eventc_ce_event *ev,
                                                             eventc_error *err);

/**
 * @return 1 when @p a and @p b carry the same event: every attribute, core or extension, has
 * the same canonical string (so an Integer 5 equals a String "5", its form after binary mode;
 * extension order is ignored), and the data is equal (both none; both JSON with the same
 * minified text; or both TEXT/BINARY with the same bytes). Else 0.
 */
EVENTC_API int eventc_ce_equal(const eventc_ce_event *a, const eventc_ce_event *b);

/* ---------------------------------------------------------------------------------------------
 * Decoding options and batches
 * ------------------------------------------------------------------------------------------- */

/** Options of every decoder. Start from eventc_ce_options_default(). */
typedef struct eventc_ce_options {
    /** Input limits: max_input bounds a document, body or data; max_string an attribute value
     *  or header; max_depth JSON nesting; max_items members, items, headers and batch size. */
    eventc_limits limits;
    /** Where decoded events get memory (NULL: malloc). */
    const eventc_allocator *alloc;
    /** Called for each warning (long name, name starting with a digit) with the attribute's
     *  path and a message; NULL: warnings only set eventc_ce_event.warnings. */
    void (*warn)(void *ctx, unsigned flag, const char *path, const char *message);
    void *warn_ctx;
    /** Kafka: when the event has no partitionkey and the record has a key that is a valid
     *  String, the key becomes the partitionkey extension (default 1; the reverse of what
     *  encoding does). */
    int kafka_key_to_partitionkey;
} eventc_ce_options;

/** @return default options: EVENTC_LIMITS_DEFAULT, malloc, no callback, key mapping on. */
EVENTC_API eventc_ce_options eventc_ce_options_default(void);

/** A list of events, each owning its own arena. A zero-filled batch is valid and empty. */
typedef struct eventc_ce_batch {
    eventc_ce_event *events;
    size_t n_events;
    /* Private. */
    size_t cap_;
    const eventc_allocator *alloc_;
} eventc_ce_batch;

/** Prepares an empty batch; never allocates. @p alloc: for the array and new events. */
EVENTC_API void eventc_ce_batch_init(eventc_ce_batch *b, const eventc_allocator *alloc);

/**
 * Appends a new empty event (eventc_ce_init) to @p b.
 * @return the event, owned by the batch (valid until the batch changes size or is cleared), or
 *         NULL when out of memory.
 */
EVENTC_API EVENTC_NODISCARD eventc_ce_event *eventc_ce_batch_add(eventc_ce_batch *b);

/** Releases every event and the array; leaves an empty batch with the same allocator.
 *  NULL-safe. */
EVENTC_API void eventc_ce_batch_clear(eventc_ce_batch *b);

/* ---------------------------------------------------------------------------------------------
 * JSON event format
 * ------------------------------------------------------------------------------------------- */

/**
 * Validates @p ev, then appends its JSON format (application/cloudevents+json) to @p out on one
 * line: specversion, id, source, type, subject, time, datacontenttype, dataschema, the
 * extensions in order with their JSON types (String, URI, URI-reference, Binary and Timestamp
 * as strings), then `data` (JSON as is, TEXT as a string) or `data_base64`. Nothing is
 * appended on error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_to_json(const eventc_ce_event *ev,
                                                            eventc_buf *out, eventc_error *err);

/**
 * Decodes one event in the JSON format. Strict JSON (RFC 8259, UTF-8, duplicate keys refused at
 * every depth, limits). Core attributes must be strings; `null` means absent. Any other member
 * is an extension: a string (String), true/false (Boolean) or an integer in the int32 range
 * (Integer); objects, arrays and other numbers are refused. `data` is read as JSON when
 * datacontenttype is absent or a JSON type, else it must be a string (TEXT); `data_base64` must
 * be strict Base64 (BINARY); both at once are an error. The result is then validated
 * (eventc_ce_validate) with paths such as `$.time`.
 *
 * @param ev zero-filled, initialised, or holding an event (released first).
 * @param opts NULL for the defaults.
 * @return EVENTC_OK or the first problem; on error @p ev is empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_from_json(eventc_ce_event *ev, const char *json,
                                                              size_t len,
                                                              const eventc_ce_options *opts,
                                                              eventc_error *err);

/** Appends the batch format (application/cloudevents-batch+json): a JSON array of @p n events
 *  (each validated; an empty array for n = 0). Nothing is appended on error (err->path is
 *  then `$[i].attribute`). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_batch_to_json(const eventc_ce_event *events,
                                                                  size_t n, eventc_buf *out,
                                                                  eventc_error *err);

/** Decodes the batch format into @p b (cleared first) with the rules of eventc_ce_from_json;
 *  paths are `$[i].attribute`. On error @p b is empty. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_batch_from_json(eventc_ce_batch *b,
                                                                    const char *json, size_t len,
                                                                    const eventc_ce_options *opts,
                                                                    eventc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Protocol bindings
 * ------------------------------------------------------------------------------------------- */

/** One message header. Both strings are NUL-terminated. */
typedef struct eventc_header {
    const char *name;
    const char *value;
} eventc_header;

/** Content modes. */
typedef enum eventc_ce_mode {
    EVENTC_CE_MODE_BINARY,     /**< attributes in headers, data as the body */
    EVENTC_CE_MODE_STRUCTURED, /**< the JSON event format as the body */
    EVENTC_CE_MODE_BATCH       /**< the JSON batch format as the body (HTTP only) */
} eventc_ce_mode;

/**
 * A message made by an encoder: headers, body (HTTP body or Kafka value) and Kafka key, all
 * owned by the message's arena. A zero-filled message is valid and empty.
 */
typedef struct eventc_ce_message {
    eventc_header *headers;
    size_t n_headers;
    /** The body bytes (a NUL follows them); NULL when there is none (a Kafka message with no
     *  value; an HTTP message with an empty body, or a NATS message with an empty payload, has
     *  body_len 0). */
    const char *body;
    size_t body_len;
    /** Kafka record key (NUL-terminated), or NULL for none; NULL for HTTP. */
    const char *key;
    size_t key_len;
    /* Private. */
    eventc_arena *arena_;
    const eventc_allocator *alloc_;
} eventc_ce_message;

/** Prepares an empty message; @p alloc is used by the encoders (NULL: malloc). */
EVENTC_API void eventc_ce_message_init(eventc_ce_message *m, const eventc_allocator *alloc);

/** Releases what @p m owns and leaves it empty with the same allocator. NULL-safe. */
EVENTC_API void eventc_ce_message_clear(eventc_ce_message *m);

/** @return the value of the first header named @p name (ASCII case-insensitive) among @p n
 *          headers, or NULL. */
EVENTC_API const char *eventc_header_find(const eventc_header *headers, size_t n, const char *name);

/**
 * Appends @p s (@p n bytes of UTF-8) percent-encoded as the HTTP binding (3.1.3.2) requires:
 * space, `"`, `%` and every byte outside U+0021-U+007E become `%XX` (upper-case hex).
 * @return EVENTC_OK or EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_percent_encode(eventc_buf *out, const char *s,
                                                                   size_t n);

/**
 * Decodes an HTTP header value into a CloudEvents string as the binding requires: surrounding
 * white space is dropped, a double-quoted string is unquoted (backslash escapes), then one
 * round of percent-decoding (lower-case hex accepted) is done and the result must be valid
 * UTF-8 (overlong forms such as %C0%A0 refused).
 * @return EVENTC_OK with the decoded text (NUL-terminated) appended to @p out;
 *         EVENTC_E_CLOUDEVENTS for a bad escape or quoting, EVENTC_E_UTF8, EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_percent_decode(eventc_buf *out, const char *s,
                                                                   size_t n, eventc_error *err);

/**
 * @return the mode of an HTTP message from its Content-Type header: a type starting with
 *         `application/cloudevents-batch` is BATCH, `application/cloudevents` STRUCTURED,
 *         anything else (or none) BINARY (compared case-insensitively).
 */
EVENTC_API eventc_ce_mode eventc_ce_http_mode(const eventc_header *headers, size_t n);

/**
 * Encodes @p ev as an HTTP message in @p mode (BINARY or STRUCTURED; use
 * eventc_ce_http_encode_batch for BATCH) into @p msg (released first).
 *
 * Binary: `ce-<attribute>` headers in the order specversion, id, source, type, subject, time,
 * dataschema, extensions, each value its canonical string percent-encoded; `content-type` from
 * datacontenttype (`application/json` when absent and the data is JSON, as the spec advises);
 * body = the data bytes. Structured: `content-type: application/cloudevents+json;
 * charset=utf-8` and the JSON format as the body.
 * Binary mode refuses (EVENTC_E_CLOUDEVENTS) a datacontenttype starting with
 * `application/cloudevents`: a receiver would read the message as structured mode.
 * @return EVENTC_OK, a validation error, EVENTC_E_INVALID_ARGUMENT, EVENTC_E_NOMEM; @p msg
 *         empty on error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_http_encode(const eventc_ce_event *ev,
                                                                eventc_ce_mode mode,
                                                                eventc_ce_message *msg,
                                                                eventc_error *err);

/** Encodes @p n events in batched mode: `content-type: application/cloudevents-batch+json;
 *  charset=utf-8` and the batch format as the body. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_http_encode_batch(const eventc_ce_event *events,
                                                                      size_t n,
                                                                      eventc_ce_message *msg,
                                                                      eventc_error *err);

/**
 * Decodes an HTTP message in binary or structured mode (chosen by eventc_ce_http_mode).
 *
 * Binary: header names are case-insensitive; every `ce-<name>` header is an attribute (its
 * value unquoted and percent-decoded, see eventc_ce_percent_decode; extensions become Strings);
 * Content-Type is datacontenttype and a `ce-datacontenttype` header is refused; an attribute
 * given twice is refused; the body becomes the data as eventc_ce_set_data reads it.
 * Structured: Content-Type must be the JSON event format; the body is decoded with
 * eventc_ce_from_json (`ce-` headers, which may duplicate attributes, are ignored).
 * A batched message is refused (EVENTC_E_UNSUPPORTED): use eventc_ce_http_decode_batch.
 * Errors name the header (`ce-time`, `content-type`) or the JSON path.
 * @return EVENTC_OK or the first problem; on error @p ev is empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_http_decode(
    eventc_ce_event *ev, const eventc_header *headers, size_t n_headers, const char *body,
    size_t body_len, const eventc_ce_options *opts, eventc_error *err);

/** Decodes an HTTP message in any mode into @p b (cleared first): a batch gives its events, a
 *  binary or structured message one event. On error @p b is empty. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_http_decode_batch(
    eventc_ce_batch *b, const eventc_header *headers, size_t n_headers, const char *body,
    size_t body_len, const eventc_ce_options *opts, eventc_error *err);

/**
 * Encodes @p ev as a Kafka record in @p mode (BINARY or STRUCTURED) into @p msg.
 *
 * Binary: `ce_<attribute>` headers with the canonical strings (UTF-8, not percent-encoded),
 * `content-type` from datacontenttype (`application/json` when absent and the data is JSON),
 * value = the data bytes (NULL when there is no data: a tombstone). Structured: `content-type:
 * application/cloudevents+json; charset=utf-8` and the JSON format as the value. In both modes
 * the key is the partitionkey extension's canonical string, or NULL when there is none.
 * Binary mode refuses a datacontenttype starting with `application/cloudevents`, as HTTP does.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_kafka_encode(const eventc_ce_event *ev,
                                                                 eventc_ce_mode mode,
                                                                 eventc_ce_message *msg,
                                                                 eventc_error *err);

/**
 * Decodes a Kafka record: structured when its content-type starts with
 * `application/cloudevents` (which must then be the JSON format), else binary. Binary mode reads
 * `ce_<name>` headers (names compared case-insensitively; values used as they are),
 * `content-type` as datacontenttype (a `ce_datacontenttype` header must agree with it), and the
 * value as data (NULL or empty: no data). With opts->kafka_key_to_partitionkey, a non-NULL
 * @p key becomes the partitionkey extension when the event has none and the key is a valid
 * String (a binary key, such as a serialised one, is left alone: it is not an error).
 * @param key the record key (@p key_len bytes) or NULL.
 * @param value the record value (@p value_len bytes) or NULL.
 * @return EVENTC_OK or the first problem (paths are header names or JSON paths); on error
 *         @p ev is empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status
eventc_ce_kafka_decode(eventc_ce_event *ev, const eventc_header *headers, size_t n_headers,
                       const char *key, size_t key_len, const char *value, size_t value_len,
                       const eventc_ce_options *opts, eventc_error *err);

/**
 * @return the mode of a NATS message from its headers: STRUCTURED when a Content-Type header
 *         starts with `application/cloudevents` (compared case-insensitively), else BINARY.
 */
EVENTC_API eventc_ce_mode eventc_ce_nats_mode(const eventc_header *headers, size_t n);

/**
 * Encodes @p ev as a NATS message in @p mode (BINARY or STRUCTURED) into @p msg (released
 * first); the subject is the transport's business.
 *
 * Binary: `ce-<attribute>` headers in the order specversion, id, source, type, subject, time,
 * dataschema, extensions, datacontenttype (`application/json` when absent and the data is JSON),
 * each value its canonical string percent-encoded as in HTTP (NATS header values are printable
 * ASCII); the payload is the data bytes (empty without data). Structured: `content-type:
 * application/cloudevents+json; charset=utf-8` and the JSON format as the payload.
 * Binary mode refuses a datacontenttype starting with `application/cloudevents`, as HTTP does.
 * @return EVENTC_OK, a validation error, EVENTC_E_INVALID_ARGUMENT, EVENTC_E_NOMEM; @p msg
 *         empty on error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_nats_encode(const eventc_ce_event *ev,
                                                                eventc_ce_mode mode,
                                                                eventc_ce_message *msg,
                                                                eventc_error *err);

/**
 * Decodes a NATS message: structured when eventc_ce_nats_mode says so (the payload must then
 * be the JSON event format; a batch is refused with EVENTC_E_UNSUPPORTED), else binary. Binary
 * mode reads every `ce-<name>` header (names compared case-insensitively; values unquoted and
 * percent-decoded as in HTTP, see eventc_ce_percent_decode), `ce-datacontenttype` as
 * datacontenttype (a Content-Type header is accepted too and must then agree with it), and the
 * payload as data (empty: no data). An attribute given twice is refused. Errors name the header
 * (`ce-time`) or the JSON path.
 * @param payload the payload (@p payload_len bytes), or NULL for none.
 * @return EVENTC_OK or the first problem; on error @p ev is empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_nats_decode(
    eventc_ce_event *ev, const eventc_header *headers, size_t n_headers, const char *payload,
    size_t payload_len, const eventc_ce_options *opts, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif

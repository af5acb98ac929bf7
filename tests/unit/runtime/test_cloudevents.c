/* CloudEvents core: the type system (String rules, URIs, RFC 3339, media types, names, Base64,
 * percent-encoding), the event object with its setters, getters, validation, copy and equality,
 * and the JSON event format (single and batch) with every rejection rule and its exact message. */
#include "check.h"

#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

static char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];

static const char *fmt(const eventc_error *err)
{
    eventc_error_format(err, line, sizeof(line));
    return line;
}

/* ---- type system ---- */

static void test_type_names(void)
{
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_STRING), "String");
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_INTEGER), "Integer");
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_BOOLEAN), "Boolean");
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_BINARY), "Binary");
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_URI), "URI");
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_URI_REF), "URI-reference");
    CHECK_STR(eventc_ce_type_name(EVENTC_CE_TIMESTAMP), "Timestamp");
    CHECK_STR(eventc_ce_type_name((eventc_ce_type)99), "unknown");
}

static void test_check_string(void)
{
    eventc_error err;
    CHECK(eventc_ce_check_string("", 0, &err) == EVENTC_OK);
    CHECK(eventc_ce_check_string("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_check_string("a\nb", 3, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "control character U+000A is not allowed in a String [cloudevents]");
    CHECK(eventc_ce_check_string("a\0b", 3, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_check_string("\x7f", 1, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_check_string("\xc2\x85", 2, &err) == EVENTC_E_CLOUDEVENTS); /* U+0085 */
    CHECK_STR(fmt(&err), "control character U+0085 is not allowed in a String [cloudevents]");
    CHECK(eventc_ce_check_string("\xc2\xa0", 2, &err) == EVENTC_OK);                /* U+00A0 */
    CHECK(eventc_ce_check_string("\xef\xb7\x90", 3, &err) == EVENTC_E_CLOUDEVENTS); /* FDD0 */
    CHECK_STR(fmt(&err), "noncharacter U+FDD0 is not allowed in a String [cloudevents]");
    CHECK(eventc_ce_check_string("\xef\xbf\xbe", 3, &err) == EVENTC_E_CLOUDEVENTS); /* FFFE */
    CHECK(eventc_ce_check_string("\xf0\x9f\xbf\xbf", 4, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_check_string("\xef\xbf\xbd", 3, &err) == EVENTC_OK); /* FFFD */
    CHECK(eventc_ce_check_string("\xc0\xa0", 2, &err) == EVENTC_E_UTF8);
    CHECK_STR(fmt(&err), "invalid UTF-8 at byte 0 [utf8]");
    CHECK(eventc_ce_check_string("ab\xed\xa0\x80", 5, &err) == EVENTC_E_UTF8); /* surrogate */
    CHECK(err.offset == 2);
    CHECK(eventc_ce_check_string(NULL, 1, &err) == EVENTC_E_INVALID_ARGUMENT);
}

static int uri_ok(const char *s, bool absolute)
{
    return eventc_ce_check_uri(s, strlen(s), absolute, NULL) == EVENTC_OK;
}

static void test_check_uri(void)
{
    eventc_error err;
    /* URI-references, including every example of the spec's source attribute. */
    const char *good_refs[] = {"https://github.com/cloudevents",
                               "mailto:cncf-wg-serverless@lists.cncf.io",
                               "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
                               "/cloudevents/spec/pull/123",
                               "/sensors/tn-1234567/alerts",
                               "1-555-123-4567",
                               "cloudevents/spec/pull/123",
                               "",
                               ".",
                               "../x?y#z",
                               "#frag",
                               "?q=1",
                               "//host",
                               "//user:pw@host:8080/p",
                               "http://[::1]:80/",
                               "http://[2001:db8::7]/c=GB?objectClass?one",
                               "http://[::ffff:192.0.2.1]/",
                               "http://[1:2:3:4:5:6:7:8]/",
                               "http://[1:2:3:4:5:6:7::]/",
                               "http://[v7.fe80::a+en1]/",
                               "http://192.0.2.16:/",
                               "ldap://[2001:db8::7]/c=GB?objectClass?one",
                               "tel:+1-816-555-1212",
                               "foo://info.example.com?fred",
                               "/a%20b/%C3%A9",
                               "a:",
                               "x-y+z.w:/p"};
    for (size_t i = 0; i < sizeof(good_refs) / sizeof(good_refs[0]); i++) {
        if (!uri_ok(good_refs[i], false))
            fprintf(stderr, "rejected URI-reference: %s\n", good_refs[i]);
        CHECK(uri_ok(good_refs[i], false));
    }
    const char *bad_refs[] = {"a b",
                              "/caf\xc3\xa9",
                              "%zz",
                              "100%",
                              "1:2",
                              "http://[::1",
                              "http://[1::2::3]/",
                              "http://[1:2:3:4:5:6:7:8:9]/",
                              "http://[12345::]/",
                              "http://[::1.2.3]/",
                              "http://[::256.1.1.1]/",
                              "http://[v.x]/",
                              "http://h:8a/",
                              "http://a@b@c/",
                              "x\"y",
                              "<x>",
                              "http://[::1]x/",
                              "a\\b",
                              "http://h/^",
                              "{}"};
    for (size_t i = 0; i < sizeof(bad_refs) / sizeof(bad_refs[0]); i++) {
        if (uri_ok(bad_refs[i], false))
            fprintf(stderr, "accepted URI-reference: %s\n", bad_refs[i]);
        CHECK(!uri_ok(bad_refs[i], false));
    }
    /* Absolute URIs: a scheme, no fragment. */
    CHECK(uri_ok("https://example.com/schemas/order.json", true));
    CHECK(uri_ok("urn:example:schema", true));
    CHECK(uri_ok("https://example.com/s?v=2", true));
    CHECK(!uri_ok("/schemas/order.json", true));
    CHECK(!uri_ok("https://example.com/s#frag", true));
    CHECK(!uri_ok("", true));
    CHECK(eventc_ce_check_uri("a b", 3, false, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not a URI-reference: invalid character ' ' at offset 1 [cloudevents]");
    CHECK(eventc_ce_check_uri("/x%2", 4, false, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "not a URI-reference: '%' not followed by two hex digits at offset 2 [cloudevents]");
    CHECK(eventc_ce_check_uri("a:b", 3, false, &err) == EVENTC_OK);
    CHECK(eventc_ce_check_uri("1:b", 3, false, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not a URI-reference: ':' in the first segment of a relative reference "
                         "(offset 1) [cloudevents]");
    CHECK(eventc_ce_check_uri("/x", 2, true, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "not an absolute URI: it has no scheme (such as \"https:\") [cloudevents]");
    CHECK(eventc_ce_check_uri("http://x/#f", 11, true, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not an absolute URI: it has a fragment ('#' at offset 9) [cloudevents]");
    CHECK(eventc_ce_check_uri("/caf\xc3\xa9", 6, false, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not a URI-reference: invalid byte 0xC3 at offset 4 [cloudevents]");
    CHECK(eventc_ce_check_uri(NULL, 0, false, &err) == EVENTC_E_INVALID_ARGUMENT);
}

static int64_t parse_secs(const char *s, uint32_t *nanos)
{
    eventc_timestamp t = {0, 0};
    eventc_status st = eventc_ce_parse_time(s, strlen(s), &t, NULL);
    if (st != EVENTC_OK)
        return INT64_MIN;
    if (nanos)
        *nanos = t.nanos;
    return t.seconds;
}

static void test_parse_time(void)
{
    eventc_error err;
    eventc_timestamp t = {0, 0};
    uint32_t ns = 0;
    CHECK(parse_secs("1970-01-01T00:00:00Z", NULL) == 0);
    CHECK(parse_secs("2018-04-05T17:31:00Z", NULL) == 1522949460);
    CHECK(parse_secs("2018-04-05T19:31:00+02:00", NULL) == 1522949460);
    CHECK(parse_secs("2018-04-05T12:01:00-05:30", NULL) == 1522949460);
    CHECK(parse_secs("2018-04-05t17:31:00z", NULL) == 1522949460);
    CHECK(parse_secs("2018-04-05T17:31:00-00:00", NULL) == 1522949460);
    CHECK(parse_secs("2018-04-05T17:31:00.5Z", &ns) == 1522949460 && ns == 500000000);
    CHECK(parse_secs("2018-04-05T17:31:00.123456789123Z", &ns) == 1522949460 && ns == 123456789);
    CHECK(parse_secs("1969-12-31T23:59:59Z", NULL) == -1);
    /* A leap second at 23:59:60 UTC becomes the next second; elsewhere it is refused. */
    CHECK(parse_secs("2016-12-31T23:59:60Z", NULL) == 1483228800);
    CHECK(parse_secs("2016-12-31T15:59:60-08:00", NULL) == 1483228800);
    CHECK(parse_secs("2016-12-31T23:58:60Z", NULL) == INT64_MIN);
    CHECK(parse_secs("0000-01-01T00:00:00Z", NULL) == EVENTC_TIMESTAMP_MIN_SECONDS);
    CHECK(parse_secs("9999-12-31T23:59:59Z", NULL) == EVENTC_TIMESTAMP_MAX_SECONDS);
    CHECK(parse_secs("2024-02-29T00:00:00Z", NULL) != INT64_MIN);
    const char *bad[] = {"2023-02-29T00:00:00Z",
                         "2018-13-01T00:00:00Z",
                         "2018-04-31T00:00:00Z",
                         "2018-04-05T24:00:00Z",
                         "2018-04-05T17:60:00Z",
                         "2018-04-05T17:31:61Z",
                         "2018-04-05 17:31:00Z",
                         "2018-04-05T17:31:00",
                         "2018-04-05T17:31Z",
                         "18-04-05T17:31:00Z",
                         "2018-04-05T17:31:00.Z",
                         "2018-04-05T17:31:00+2:00",
                         "2018-04-05T17:31:00+02",
                         "2018-04-05T17:31:00+24:00",
                         "2018-04-05T17:31:00+02:60",
                         "2018-04-05T17:31:00Zx",
                         "",
                         "0000-01-01T00:00:00+00:01",
                         "9999-12-31T23:59:59-00:01"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse_secs(bad[i], NULL) != INT64_MIN)
            fprintf(stderr, "accepted time: %s\n", bad[i]);
        CHECK(parse_secs(bad[i], NULL) == INT64_MIN);
    }
    t.seconds = 42;
    CHECK(eventc_ce_parse_time("2018-13-01T00:00:00Z", 20, &t, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(t.seconds == 42);
    CHECK_STR(fmt(&err), "invalid RFC 3339 timestamp \"2018-13-01T00:00:00Z\": a date or time "
                         "field is out of range [cloudevents]");
    CHECK(eventc_ce_parse_time("2018-04-05T17:31:00", 19, &t, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "invalid RFC 3339 timestamp \"2018-04-05T17:31:00\": want "
                         "YYYY-MM-DDTHH:MM:SS[.frac] then Z or +HH:MM or -HH:MM [cloudevents]");
    CHECK(eventc_ce_parse_time("2018-04-05T17:31:00.000", 23, &t, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "invalid RFC 3339 timestamp \"2018-04-05T17:31:00.000\": missing offset "
                         "(Z or +HH:MM) [cloudevents]");
    CHECK(eventc_ce_parse_time("2016-12-31T23:58:60Z", 20, &t, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "invalid RFC 3339 timestamp \"2016-12-31T23:58:60Z\": a leap second must "
                         "fall on 23:59:60 UTC [cloudevents]");
    CHECK(eventc_ce_parse_time("0000-01-01T00:00:00+01:00", 25, &t, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "invalid RFC 3339 timestamp \"0000-01-01T00:00:00+01:00\": outside years "
                         "0000-9999 once converted to UTC [cloudevents]");
    CHECK(eventc_ce_parse_time(NULL, 0, &t, &err) == EVENTC_E_INVALID_ARGUMENT);
}

static int mt_ok(const char *s)
{
    return eventc_ce_check_media_type(s, strlen(s), NULL) == EVENTC_OK;
}

static void test_media_types(void)
{
    eventc_error err;
    CHECK(mt_ok("application/json"));
    CHECK(mt_ok("application/json; charset=utf-8"));
    CHECK(mt_ok("text/plain;charset=\"utf-8\""));
    CHECK(mt_ok("application/vnd.apache.thrift.binary"));
    CHECK(mt_ok("multipart/form-data; boundary=\"a b\\\"c\""));
    CHECK(mt_ok("text/plain;"));
    CHECK(mt_ok("TEXT/Plain; CharSet=utf-8"));
    CHECK(!mt_ok(""));
    CHECK(!mt_ok("json"));
    CHECK(!mt_ok("application/"));
    CHECK(!mt_ok("/json"));
    CHECK(!mt_ok("application/json charset=utf-8"));
    CHECK(!mt_ok("application/json; charset"));
    CHECK(!mt_ok("application/json; charset="));
    CHECK(!mt_ok("application/json; charset=\"utf-8"));
    CHECK(!mt_ok("application/json "));
    CHECK(!mt_ok("appli cation/json"));
    CHECK(!mt_ok("application/j\xc3\xa9son"));
    CHECK(eventc_ce_check_media_type("json", 4, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not a media type (RFC 2046): expected '/' after the type at offset 4 in "
                         "\"json\" [cloudevents]");
    CHECK(eventc_ce_check_media_type(NULL, 0, &err) == EVENTC_E_INVALID_ARGUMENT);

    CHECK(eventc_ce_media_classify("application/json") == EVENTC_CE_MEDIA_JSON);
    CHECK(eventc_ce_media_classify("Application/JSON; charset=utf-8") == EVENTC_CE_MEDIA_JSON);
    CHECK(eventc_ce_media_classify("application/vnd.foo+json") == EVENTC_CE_MEDIA_JSON);
    CHECK(eventc_ce_media_classify("text/json") == EVENTC_CE_MEDIA_JSON);
    CHECK(eventc_ce_media_classify("application/jsonx") == EVENTC_CE_MEDIA_OTHER);
    CHECK(eventc_ce_media_classify("application/xjson") == EVENTC_CE_MEDIA_OTHER);
    CHECK(eventc_ce_media_classify("text/plain") == EVENTC_CE_MEDIA_TEXT);
    CHECK(eventc_ce_media_classify("TEXT/csv;x=y") == EVENTC_CE_MEDIA_TEXT);
    CHECK(eventc_ce_media_classify("application/xml") == EVENTC_CE_MEDIA_TEXT);
    CHECK(eventc_ce_media_classify("image/svg+xml") == EVENTC_CE_MEDIA_TEXT);
    CHECK(eventc_ce_media_classify("application/octet-stream") == EVENTC_CE_MEDIA_OTHER);
    CHECK(eventc_ce_media_classify("texts/plain") == EVENTC_CE_MEDIA_OTHER);
    CHECK(eventc_ce_media_classify("garbage") == EVENTC_CE_MEDIA_OTHER);
    CHECK(eventc_ce_media_classify(NULL) == EVENTC_CE_MEDIA_OTHER);
}

static void test_names(void)
{
    CHECK(eventc_ce_check_name("abc123", 6));
    CHECK(eventc_ce_check_name("1abc", 4));
    CHECK(!eventc_ce_check_name("", 0));
    CHECK(!eventc_ce_check_name(NULL, 0));
    CHECK(!eventc_ce_check_name("aBc", 3));
    CHECK(!eventc_ce_check_name("a_b", 3));
    CHECK(!eventc_ce_check_name("a-b", 3));
    CHECK(!eventc_ce_check_name("caf\xc3\xa9", 5));
    const char *reserved[] = {"id",         "source",  "specversion", "type", "datacontenttype",
                              "dataschema", "subject", "time",        "data", "data_base64"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        CHECK(eventc_ce_is_reserved_name(reserved[i], strlen(reserved[i])));
    CHECK(!eventc_ce_is_reserved_name("traceparent", 11));
    CHECK(!eventc_ce_is_reserved_name("i", 1));
    CHECK(!eventc_ce_is_reserved_name(NULL, 0));
    CHECK(eventc_ce_name_warnings("abc", 3) == 0);
    CHECK(eventc_ce_name_warnings("abcdefghijklmnopqrst", 20) == 0);
    CHECK(eventc_ce_name_warnings("abcdefghijklmnopqrstu", 21) == EVENTC_CE_WARN_LONG_NAME);
    CHECK(eventc_ce_name_warnings("1abc", 4) == EVENTC_CE_WARN_NAME_START);
}

static void test_base64(void)
{
    char out[64];
    unsigned char bin[64];
    size_t n = 99;
    CHECK(eventc_ce_base64_len(0) == 0);
    CHECK(eventc_ce_base64_len(1) == 4);
    CHECK(eventc_ce_base64_len(3) == 4);
    CHECK(eventc_ce_base64_len(4) == 8);
    eventc_ce_base64_encode("", 0, out);
    CHECK_STR(out, "");
    eventc_ce_base64_encode("f", 1, out);
    CHECK_STR(out, "Zg==");
    eventc_ce_base64_encode("fo", 2, out);
    CHECK_STR(out, "Zm8=");
    eventc_ce_base64_encode("foobar", 6, out);
    CHECK_STR(out, "Zm9vYmFy");
    eventc_ce_base64_encode("\xff\xfe\x00\x01", 4, out);
    CHECK_STR(out, "//4AAQ==");
    CHECK(eventc_ce_base64_decode("Zm9vYmFy", 8, bin, &n) && n == 6 &&
          memcmp(bin, "foobar", 6) == 0);
    CHECK(eventc_ce_base64_decode("Zg==", 4, bin, &n) && n == 1 && bin[0] == 'f');
    CHECK(eventc_ce_base64_decode("Zm8=", 4, bin, &n) && n == 2);
    CHECK(eventc_ce_base64_decode("//4AAQ==", 8, bin, &n) && n == 4 && bin[0] == 0xff);
    CHECK(eventc_ce_base64_decode("", 0, bin, &n) && n == 0);
    CHECK(!eventc_ce_base64_decode("Zg=", 3, bin, &n));
    CHECK(!eventc_ce_base64_decode("Zg", 2, bin, &n));
    CHECK(!eventc_ce_base64_decode("Zh==", 4, bin, &n)); /* non-zero unused bits */
    CHECK(!eventc_ce_base64_decode("Zm9=", 4, bin, &n)); /* non-zero unused bits */
    CHECK(!eventc_ce_base64_decode("Z===", 4, bin, &n));
    CHECK(!eventc_ce_base64_decode("Zg==Zg==", 8, bin, &n));
    CHECK(!eventc_ce_base64_decode("Zm9v YmFy", 9, bin, &n));
    CHECK(!eventc_ce_base64_decode("Zm9-YmFy", 8, bin, &n));
    CHECK(!eventc_ce_base64_decode("Z=g=", 4, bin, &n));
}

static void test_percent(void)
{
    eventc_buf b = {0};
    eventc_error err;
    CHECK(eventc_ce_percent_encode(&b, "Euro \xe2\x82\xac \xf0\x9f\x98\x80", 13) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "Euro%20%E2%82%AC%20%F0%9F%98%80");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_encode(&b, "a\"b%c\x7f\x01~!", 9) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "a%22b%25c%7F%01~!");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_decode(&b, "Euro%20%E2%82%AC%20%f0%9f%98%80", 31, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "Euro \xe2\x82\xac \xf0\x9f\x98\x80");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_decode(&b, "  %61bc\t", 8, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "abc");
    eventc_buf_reset(&b);
    /* Quoted strings from older senders: unquoted first, then percent-decoded once. */
    CHECK(eventc_ce_percent_decode(&b, "\"a \\\"b\\\\ %25 \"", 14, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "a \"b\\ % ");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_decode(&b, "%2525", 5, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "%25");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_decode(&b, "caf\xc3\xa9", 5, &err) == EVENTC_OK); /* raw UTF-8 */
    CHECK_STR(eventc_buf_cstr(&b), "caf\xc3\xa9");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_decode(&b, "", 0, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_percent_decode(&b, "100%", 4, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "bad percent-encoding: '%' not followed by two hex digits at offset 3 "
                         "[cloudevents]");
    CHECK(b.len == 0);
    CHECK(eventc_ce_percent_decode(&b, "%G0", 3, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_percent_decode(&b, "%C0%A0", 6, &err) == EVENTC_E_UTF8);
    CHECK_STR(fmt(&err), "percent-decoded value is not valid UTF-8 (byte 0) [utf8]");
    CHECK(eventc_ce_percent_decode(&b, "%E2%82", 6, &err) == EVENTC_E_UTF8);
    CHECK(eventc_ce_percent_decode(&b, "\"abc", 4, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "unterminated quoted string [cloudevents]");
    CHECK(eventc_ce_percent_decode(&b, "\"abc\"d", 6, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "text after the closing quote of a quoted string [cloudevents]");
    CHECK(b.len == 0);
    eventc_buf_free(&b);
}

static void test_values(void)
{
    eventc_ce_value v;
    eventc_error err;
    eventc_buf b = {0};
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "-2147483648", 11, &v, &err) == EVENTC_OK &&
          v.integer == INT32_MIN);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "2147483647", 10, &v, &err) == EVENTC_OK &&
          v.integer == INT32_MAX);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "0", 1, &v, &err) == EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "-0", 2, &v, &err) == EVENTC_OK &&
          v.integer == 0);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "2147483648", 10, &v, &err) ==
          EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "not an Integer (decimal in the int32 range): \"2147483648\" [cloudevents]");
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "01", 2, &v, &err) != EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "+1", 2, &v, &err) != EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "1.0", 3, &v, &err) != EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "", 0, &v, &err) != EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "-", 1, &v, &err) != EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_INTEGER, "99999999999", 11, &v, &err) != EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_BOOLEAN, "true", 4, &v, &err) == EVENTC_OK && v.boolean);
    CHECK(eventc_ce_value_parse(EVENTC_CE_BOOLEAN, "false", 5, &v, &err) == EVENTC_OK &&
          !v.boolean);
    CHECK(eventc_ce_value_parse(EVENTC_CE_BOOLEAN, "True", 4, &v, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not a Boolean (true or false): \"True\" [cloudevents]");
    CHECK(eventc_ce_value_parse(EVENTC_CE_BINARY, "Zm9vYmFy", 8, &v, &err) == EVENTC_OK &&
          v.len == 6 && v.str == NULL);
    CHECK(eventc_ce_value_parse(EVENTC_CE_BINARY, "Zg==", 4, &v, &err) == EVENTC_OK && v.len == 1);
    CHECK(eventc_ce_value_parse(EVENTC_CE_BINARY, "", 0, &v, &err) == EVENTC_OK && v.len == 0);
    CHECK(eventc_ce_value_parse(EVENTC_CE_BINARY, "Zg==Zg==", 8, &v, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "not Binary (strict Base64, RFC 4648): \"Zg==Zg==\" [cloudevents]");
    CHECK(eventc_ce_value_parse(EVENTC_CE_STRING, "x\n", 2, &v, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_value_parse(EVENTC_CE_STRING, "xy", 2, &v, &err) == EVENTC_OK && v.len == 2);
    CHECK(eventc_ce_value_parse(EVENTC_CE_URI, "/x", 2, &v, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_value_parse(EVENTC_CE_URI_REF, "/x", 2, &v, &err) == EVENTC_OK);
    CHECK(eventc_ce_value_parse(EVENTC_CE_TIMESTAMP, "2018-04-05T19:31:00+02:00", 25, &v, &err) ==
              EVENTC_OK &&
          v.timestamp.seconds == 1522949460);
    CHECK(eventc_ce_value_parse(EVENTC_CE_TIMESTAMP, "x", 1, NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_value_parse((eventc_ce_type)42, "x", 1, &v, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_value_parse(EVENTC_CE_STRING, NULL, 1, &v, &err) == EVENTC_E_INVALID_ARGUMENT);

    memset(&v, 0, sizeof(v));
    v.type = EVENTC_CE_INTEGER;
    v.integer = -42;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "-42");
    eventc_buf_reset(&b);
    v.type = EVENTC_CE_BOOLEAN;
    v.boolean = true;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "true");
    eventc_buf_reset(&b);
    v.type = EVENTC_CE_BINARY;
    v.str = "\x01\x02\x03\x04";
    v.len = 4;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "AQIDBA==");
    eventc_buf_reset(&b);
    v.type = EVENTC_CE_TIMESTAMP;
    v.timestamp.seconds = 1522949460;
    v.timestamp.nanos = 120000000;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "2018-04-05T17:31:00.12Z");
    eventc_buf_reset(&b);
    v.timestamp.seconds = INT64_MAX;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_E_INVALID_ARGUMENT);
    v.type = EVENTC_CE_URI;
    v.str = "urn:x";
    v.len = 5;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "urn:x");
    v.type = (eventc_ce_type)77;
    CHECK(eventc_ce_value_to_string(&v, &b) == EVENTC_E_INVALID_ARGUMENT);
    eventc_buf_free(&b);
}

/* ---- the event ---- */

static void test_init_and_setters(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_ce_init(&ev, NULL);
    CHECK_STR(ev.specversion, "1.0");
    CHECK(ev.id == NULL && ev.arena_ == NULL);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "id: required attribute is missing [required]");
    CHECK(eventc_ce_set_id(&ev, "A234-1234-1234", &err) == EVENTC_OK);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "source: required attribute is missing [required]");
    CHECK(eventc_ce_set_source(&ev, "https://github.com/cloudevents/spec/pull", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_type(&ev, "com.github.pull_request.opened", &err) == EVENTC_OK);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_OK);

    /* Each setter refuses what the spec forbids and leaves the event unchanged. */
    CHECK(eventc_ce_set_id(&ev, "", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "id: must be a non-empty string [cloudevents]");
    CHECK_STR(ev.id, "A234-1234-1234");
    CHECK(eventc_ce_set_id(&ev, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(fmt(&err), "id: a required attribute cannot be unset [invalid_argument]");
    CHECK(eventc_ce_set_type(&ev, "a\tb", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "type: control character U+0009 is not allowed in a String [cloudevents]");
    CHECK(eventc_ce_set_source(&ev, "a b", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "source: not a URI-reference: invalid character ' ' at offset 1 [cloudevents]");
    CHECK(eventc_ce_set_specversion(&ev, "0.3", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "specversion: unsupported specversion \"0.3\": only \"1.0\" is supported "
                         "[cloudevents]");
    CHECK(eventc_ce_set_specversion(&ev, "1.0", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_subject(&ev, "", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_subject(&ev, "123", &err) == EVENTC_OK);
    CHECK_STR(ev.subject, "123");
    CHECK(eventc_ce_set_subject(&ev, NULL, &err) == EVENTC_OK);
    CHECK(ev.subject == NULL);
    CHECK(eventc_ce_set_dataschema(&ev, "/relative", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "dataschema: not an absolute URI: it has no scheme (such as \"https:\") "
                         "[cloudevents]");
    CHECK(eventc_ce_set_dataschema(&ev, "https://example.com/s.json", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_datacontenttype(&ev, "text xml", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_datacontenttype(&ev, "text/xml", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_time_str(&ev, "2018-04-05T17:31:00Z", &err) == EVENTC_OK);
    CHECK(ev.has_time && ev.time.seconds == 1522949460);
    CHECK(eventc_ce_set_time_str(&ev, "yesterday", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(ev.has_time && ev.time.seconds == 1522949460);
    CHECK(strncmp(fmt(&err), "time: invalid RFC 3339 timestamp \"yesterday\"", 44) == 0);
    eventc_timestamp bad = {EVENTC_TIMESTAMP_MAX_SECONDS + 1, 0};
    CHECK(eventc_ce_set_time(&ev, bad, &err) == EVENTC_E_CLOUDEVENTS);
    eventc_timestamp t = {0, 5};
    CHECK(eventc_ce_set_time(&ev, t, &err) == EVENTC_OK && ev.time.nanos == 5);
    CHECK(eventc_ce_set_time_str(&ev, NULL, &err) == EVENTC_OK && !ev.has_time);
    CHECK(eventc_ce_set_id(NULL, "x", &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_time(NULL, t, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_time_str(NULL, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);

    /* A zero-filled event works too, and clear returns to the initial state. */
    eventc_ce_clear(&ev);
    CHECK_STR(ev.specversion, "1.0");
    CHECK(ev.id == NULL && ev.arena_ == NULL && ev.n_exts == 0);
    eventc_ce_event z;
    memset(&z, 0, sizeof(z));
    CHECK(eventc_ce_set_id(&z, "1", &err) == EVENTC_OK);
    CHECK(eventc_ce_validate(&z, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(fmt(&err), "specversion: required attribute is missing [required]");
    eventc_ce_clear(&z);
    eventc_ce_clear(NULL);
    CHECK(eventc_ce_validate(NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
}

static void make_event(eventc_ce_event *ev)
{
    eventc_ce_init(ev, NULL);
    CHECK(eventc_ce_set_id(ev, "A234-1234-1234", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_source(ev, "/mycontext", NULL) == EVENTC_OK);
    CHECK(eventc_ce_set_type(ev, "com.example.someevent", NULL) == EVENTC_OK);
}

static void test_extensions(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_buf b = {0};
    eventc_timestamp ts = {1522949460, 0};
    int32_t i = 0;
    bool flag = false;
    make_event(&ev);
    CHECK(eventc_ce_set_ext_string(&ev, "comexampleextension1", "value", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_integer(&ev, "comexampleothervalue", 5, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_boolean(&ev, "sampled", true, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_binary(&ev, "sig", "\x00\x01\x02", 3, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_uri(&ev, "schemauri", "https://example.com/x", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_uri_ref(&ev, "ref", "../x", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_timestamp(&ev, "expiry", ts, &err) == EVENTC_OK);
    CHECK(ev.n_exts == 7 && ev.warnings == 0);
    CHECK_STR(ev.exts[0].name, "comexampleextension1");
    CHECK(ev.exts[3].value.type == EVENTC_CE_BINARY && ev.exts[3].value.len == 3);

    /* Replacing keeps the position. */
    CHECK(eventc_ce_set_ext_integer(&ev, "comexampleextension1", 7, &err) == EVENTC_OK);
    CHECK(ev.n_exts == 7 && ev.exts[0].value.type == EVENTC_CE_INTEGER);

    /* Names: pattern, reserved words, warnings. */
    CHECK(eventc_ce_set_ext_string(&ev, "Bad_Name", "x", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "invalid extension attribute name \"Bad_Name\": only lower-case letters "
                         "a-z and digits 0-9 are allowed [cloudevents]");
    CHECK(eventc_ce_set_ext_string(&ev, "time", "x", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "time: \"time\" is reserved and cannot be an extension attribute name [cloudevents]");
    CHECK(eventc_ce_set_ext_string(&ev, "data", "x", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_ext_string(&ev, "", "x", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_ext_string(&ev, "averyveryverylongextensionname", "x", &err) == EVENTC_OK);
    CHECK(ev.warnings == EVENTC_CE_WARN_LONG_NAME);
    CHECK(eventc_ce_set_ext_string(&ev, "9lives", "x", &err) == EVENTC_OK);
    CHECK(ev.warnings == (EVENTC_CE_WARN_LONG_NAME | EVENTC_CE_WARN_NAME_START));
    CHECK(ev.n_exts == 9);

    /* Values: each type's rules. */
    CHECK(eventc_ce_set_ext_string(&ev, "s", "bad\x01", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "s: control character U+0001 is not allowed in a String [cloudevents]");
    CHECK(eventc_ce_set_ext_uri(&ev, "u", "relative", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_ext_uri_ref(&ev, "u", "a b", &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_ext_string(&ev, "s", NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_ext_uri(&ev, "s", NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_ext_binary(&ev, "s", NULL, 2, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_ext_binary(&ev, "empty", NULL, 0, &err) == EVENTC_OK);
    eventc_timestamp bad = {0, 1000000000u};
    CHECK(eventc_ce_set_ext_timestamp(&ev, "s", bad, &err) == EVENTC_E_CLOUDEVENTS);
    eventc_ce_value weird = {(eventc_ce_type)50, NULL, 0, 0, false, {0, 0}};
    CHECK(eventc_ce_set_ext(&ev, "s", &weird, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_ext(&ev, "s", NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(ev.n_exts == 10);

    /* Getters, typed reads from strings (as after binary mode). */
    CHECK(eventc_ce_get_ext(&ev, "sampled")->boolean);
    CHECK(eventc_ce_get_ext(&ev, "nope") == NULL);
    CHECK(eventc_ce_get_ext(NULL, "nope") == NULL);
    CHECK(eventc_ce_ext_integer(&ev, "comexampleothervalue", &i) == EVENTC_OK && i == 5);
    CHECK(eventc_ce_set_ext_string(&ev, "n", "-12", &err) == EVENTC_OK);
    CHECK(eventc_ce_ext_integer(&ev, "n", &i) == EVENTC_OK && i == -12);
    CHECK(eventc_ce_ext_integer(&ev, "sampled", &i) == EVENTC_E_TYPE);
    CHECK(eventc_ce_ext_integer(&ev, "none", &i) == EVENTC_E_REQUIRED);
    CHECK(eventc_ce_ext_boolean(&ev, "sampled", &flag) == EVENTC_OK && flag);
    CHECK(eventc_ce_set_ext_string(&ev, "f", "false", &err) == EVENTC_OK);
    CHECK(eventc_ce_ext_boolean(&ev, "f", &flag) == EVENTC_OK && !flag);
    CHECK(eventc_ce_ext_boolean(&ev, "n", &flag) == EVENTC_E_TYPE);
    CHECK(eventc_ce_ext_boolean(&ev, "none", &flag) == EVENTC_E_REQUIRED);
    eventc_timestamp got = {0, 0};
    CHECK(eventc_ce_ext_timestamp(&ev, "expiry", &got) == EVENTC_OK && got.seconds == ts.seconds);
    CHECK(eventc_ce_set_ext_string(&ev, "when", "2018-04-05T19:31:00+02:00", &err) == EVENTC_OK);
    CHECK(eventc_ce_ext_timestamp(&ev, "when", &got) == EVENTC_OK && got.seconds == 1522949460);
    CHECK(eventc_ce_ext_timestamp(&ev, "n", &got) == EVENTC_E_TYPE);
    CHECK(eventc_ce_ext_timestamp(&ev, "none", &got) == EVENTC_E_REQUIRED);
    CHECK(eventc_ce_ext_binary(&ev, "sig", &b) == EVENTC_OK && b.len == 3 && b.data[2] == 2);
    eventc_buf_reset(&b);
    CHECK(eventc_ce_set_ext_string(&ev, "b64", "AQID", &err) == EVENTC_OK);
    CHECK(eventc_ce_ext_binary(&ev, "b64", &b) == EVENTC_OK && b.len == 3 && b.data[0] == 1);
    CHECK(eventc_ce_ext_binary(&ev, "n", &b) == EVENTC_E_TYPE);
    CHECK(eventc_ce_ext_binary(&ev, "none", &b) == EVENTC_E_REQUIRED);

    /* Canonical strings of any attribute. */
    eventc_buf_reset(&b);
    CHECK(eventc_ce_get_attr(&ev, "expiry", &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "2018-04-05T17:31:00Z");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_get_attr(&ev, "id", &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "A234-1234-1234");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_get_attr(&ev, "time", &b) == EVENTC_E_REQUIRED);
    CHECK(eventc_ce_get_attr(&ev, "subject", &b) == EVENTC_E_REQUIRED);
    CHECK(eventc_ce_get_attr(&ev, "zzz", &b) == EVENTC_E_REQUIRED);
    CHECK(eventc_ce_get_attr(NULL, "zzz", &b) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_time_str(&ev, "2018-04-05T17:31:00.5+00:00", &err) == EVENTC_OK);
    CHECK(eventc_ce_get_attr(&ev, "time", &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "2018-04-05T17:31:00.5Z");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_get_attr(&ev, "sig", &b) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "AAEC");

    /* Removing. */
    size_t before = ev.n_exts;
    CHECK(eventc_ce_remove_ext(&ev, "sampled"));
    CHECK(!eventc_ce_remove_ext(&ev, "sampled"));
    CHECK(!eventc_ce_remove_ext(NULL, "x"));
    CHECK(ev.n_exts == before - 1 && eventc_ce_get_ext(&ev, "sampled") == NULL);
    CHECK(eventc_ce_get_ext(&ev, "sig") != NULL);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_OK);

    /* Validation of fields assigned directly. */
    ev.exts[0].name = "BAD";
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "invalid extension attribute name \"BAD\": only lower-case letters a-z "
                         "and digits 0-9 are allowed [cloudevents]");
    ev.exts[0].name = ev.exts[1].name;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "comexampleothervalue: extension attribute appears more than once [cloudevents]");
    ev.exts[0].name = "subject";
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_CLOUDEVENTS);
    ev.exts[0].name = "fine";
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_OK);
    eventc_buf_free(&b);
    eventc_ce_clear(&ev);
}

static void test_set_attr(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_ce_init(&ev, NULL);
    CHECK(eventc_ce_set_attr(&ev, "id", "1xyz", 1, &err) == EVENTC_OK);
    CHECK_STR(ev.id, "1");
    CHECK(eventc_ce_set_attr(&ev, "source", "/s", 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_attr(&ev, "type", "t", 1, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_attr(&ev, "time", "2018-04-05T17:31:00Z", 20, &err) == EVENTC_OK);
    CHECK(ev.has_time);
    CHECK(eventc_ce_set_attr(&ev, "time", "nope", 4, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_attr(&ev, "myext", "42", 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_get_ext(&ev, "myext")->type == EVENTC_CE_STRING);
    CHECK(eventc_ce_set_attr(&ev, "my-ext", "42", 2, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_attr(&ev, "data", "42", 2, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_attr(&ev, "myext", "4\n2", 3, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "myext: control character U+000A is not allowed in a String [cloudevents]");
    CHECK(eventc_ce_set_attr(&ev, "subject", NULL, 0, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_attr(&ev, "myext", NULL, 1, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_set_attr(&ev, "averyveryverylongextensionname", "v", 1, &err) == EVENTC_OK);
    CHECK(ev.warnings == EVENTC_CE_WARN_LONG_NAME);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_OK);
    eventc_ce_clear(&ev);
}

static void test_data(void)
{
    eventc_ce_event ev;
    eventc_error err;
    const char *json = NULL;
    size_t len = 0;
    make_event(&ev);
    CHECK(eventc_ce_data_json(&ev, &json, &len) == EVENTC_E_REQUIRED);
    CHECK(eventc_ce_set_data_json(&ev, " { \"a\" : [1, 2, {\"b\": \"x y\"}] } ", 32, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_data_json(&ev, &json, &len) == EVENTC_OK);
    CHECK_STR(json, "{\"a\":[1,2,{\"b\":\"x y\"}]}");
    CHECK(len == strlen(json));
    CHECK(eventc_ce_set_data_json(&ev, "{\"a\":1,\"a\":2}", 13, &err) == EVENTC_E_DUPLICATE_KEY);
    CHECK_STR(fmt(&err), "data: duplicate member \"a\" [duplicate_key]");
    CHECK(eventc_ce_set_data_json(&ev, "[{\"a\":1},{\"a\":2}]", 17, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_json(&ev, "{\"x\":{\"a\":1,\"b\":{\"a\":2}},\"a\":3}", 31, &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_set_data_json(&ev, "{\"a\":1", 6, &err) == EVENTC_E_SYNTAX);
    CHECK_STR(fmt(&err), "data: unexpected end of input, expected ',' or '}' [syntax]");
    CHECK(eventc_ce_set_data_json(&ev, "1 2", 3, &err) == EVENTC_E_SYNTAX);
    CHECK(eventc_ce_set_data_json(&ev, "\"\\ud800\"", 8, &err) == EVENTC_E_UTF8);
    CHECK(eventc_ce_set_data_json(&ev, "\"\\ud83d\\ude00\"", 14, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_json(&ev, "null", 4, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_JSON && strcmp(ev.data, "null") == 0);
    CHECK(eventc_ce_set_data_json(&ev, NULL, 1, &err) == EVENTC_E_INVALID_ARGUMENT);

    /* Text needs a non-JSON type; JSON needs a JSON type or none. */
    CHECK(eventc_ce_set_data_text(&ev, "hi", 2, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err),
              "data: text data needs a datacontenttype that is not a JSON type [cloudevents]");
    CHECK(eventc_ce_set_datacontenttype(&ev, "text/plain", &err) == EVENTC_OK);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "data: JSON data needs a JSON datacontenttype (or none), not "
                         "\"text/plain\" [cloudevents]");
    CHECK(eventc_ce_set_data_json(&ev, "1", 1, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(eventc_ce_set_data_text(&ev, "h\0i", 3, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_TEXT && ev.data_len == 3);
    CHECK(eventc_ce_data_json(&ev, &json, &len) == EVENTC_E_TYPE);
    CHECK(eventc_ce_set_data_text(&ev, "\xff", 1, &err) == EVENTC_E_UTF8);
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_binary(&ev, "\x00\xff", 2, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_BINARY && ev.data_len == 2 && ev.data[2] == '\0');
    CHECK(eventc_ce_set_data_binary(&ev, NULL, 1, &err) == EVENTC_E_INVALID_ARGUMENT);

    /* The body reader: by datacontenttype. */
    CHECK(eventc_ce_set_data(&ev, "hello", 5, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_TEXT);
    CHECK(eventc_ce_set_data(&ev, "\xff\xfe", 2, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_BINARY);
    CHECK(eventc_ce_set_data(&ev, "", 0, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_NONE && ev.data == NULL);
    CHECK(eventc_ce_set_datacontenttype(&ev, "application/json", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data(&ev, "{ \"k\": 1 }", 10, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_JSON && strcmp(ev.data, "{\"k\":1}") == 0);
    CHECK(eventc_ce_set_data(&ev, "hello", 5, &err) == EVENTC_E_SYNTAX);
    CHECK_STR(fmt(&err), "data: not JSON although the content type is application/json: "
                         "unexpected 'h', expected a value [syntax]");
    CHECK(eventc_ce_set_datacontenttype(&ev, "application/octet-stream", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data(&ev, "hello", 5, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_BINARY);
    CHECK(eventc_ce_set_datacontenttype(&ev, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data(&ev, "{}", 2, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_BINARY);
    CHECK(eventc_ce_set_data(&ev, NULL, 2, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_unset_data(&ev);
    CHECK(ev.data_kind == EVENTC_CE_DATA_NONE);
    eventc_ce_unset_data(NULL);
    CHECK(eventc_ce_data_json(NULL, &json, &len) == EVENTC_E_REQUIRED);

    /* Data kinds checked by validate when assigned directly. */
    ev.data_kind = EVENTC_CE_DATA_TEXT;
    ev.data = "x";
    ev.data_len = 1;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_CLOUDEVENTS);
    ev.data_kind = EVENTC_CE_DATA_JSON;
    ev.data = "{x}";
    ev.data_len = 3;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_SYNTAX);
    CHECK_STR(fmt(&err), "data: unexpected 'x', expected a member name [syntax]");
    ev.data = NULL;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_INVALID_ARGUMENT);
    ev.data_kind = EVENTC_CE_DATA_BINARY;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_INVALID_ARGUMENT);
    ev.data_kind = (eventc_ce_data_kind)9;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_E_INVALID_ARGUMENT);
    ev.data_kind = EVENTC_CE_DATA_NONE;
    CHECK(eventc_ce_validate(&ev, &err) == EVENTC_OK);
    eventc_ce_clear(&ev);
}

static void test_init_json_copy_equal(void)
{
    eventc_ce_event a, b, c;
    eventc_error err;
    const char *json = NULL;
    CHECK(eventc_ce_init_json(&a, NULL, "evt-1", "/services/users", "com.example.user.created",
                              "{\"user_id\": \"u-1\"}", 18, &err) == EVENTC_OK);
    CHECK_STR(a.datacontenttype, "application/json");
    CHECK(eventc_ce_data_json(&a, &json, NULL) == EVENTC_OK);
    CHECK_STR(json, "{\"user_id\":\"u-1\"}");
    CHECK(eventc_ce_init_json(&c, NULL, NULL, "/s", "t", "[]", 2, &err) == EVENTC_OK);
    CHECK(eventc_ulid_check(c.id, strlen(c.id)));
    eventc_ce_clear(&c);
    CHECK(eventc_ce_init_json(&c, NULL, "x", "a b", "t", "[]", 2, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(c.id == NULL && c.arena_ == NULL);
    CHECK(eventc_ce_init_json(&c, NULL, "x", "/s", "t", "[", 1, &err) == EVENTC_E_SYNTAX);
    CHECK(eventc_ce_init_json(NULL, NULL, "x", "/s", "t", "[]", 2, &err) ==
          EVENTC_E_INVALID_ARGUMENT);

    CHECK(eventc_ce_set_subject(&a, "u-1", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_time_str(&a, "2018-04-05T17:31:00Z", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_integer(&a, "count", 5, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_binary(&a, "sig", "ab", 2, &err) == EVENTC_OK);
    memset(&b, 0, sizeof(b));
    CHECK(eventc_ce_copy(&b, &a, NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&a, &b));
    CHECK(b.id != a.id && b.arena_ != a.arena_);
    CHECK(eventc_ce_copy(&b, &b, NULL, &err) == EVENTC_OK); /* self-copy is harmless */
    CHECK(eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_copy(NULL, &b, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);

    /* Equality by canonical strings: an Integer equals the same digits as a String. */
    CHECK(eventc_ce_set_ext_string(&b, "count", "5", &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_ext_string(&b, "count", "6", &err) == EVENTC_OK);
    CHECK(!eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_ext_integer(&b, "count", 5, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(&b, "sig", "YWI=", &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_remove_ext(&b, "sig") && !eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_ext_binary(&b, "sig", "ab", 2, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_time_str(&b, "2018-04-05T19:31:00+02:00", &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_time_str(&b, NULL, &err) == EVENTC_OK);
    CHECK(!eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_time_str(&b, "2018-04-05T17:31:00Z", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_subject(&b, NULL, &err) == EVENTC_OK);
    CHECK(!eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_subject(&b, "u-1", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_json(&b, "{\"user_id\":\"u-2\"}", 17, &err) == EVENTC_OK);
    CHECK(!eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_set_data_json(&b, "{ \"user_id\" : \"u-1\" }", 21, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&a, &b));
    eventc_ce_unset_data(&b);
    CHECK(!eventc_ce_equal(&a, &b));
    CHECK(eventc_ce_equal(NULL, NULL));
    CHECK(!eventc_ce_equal(&a, NULL));
    eventc_ce_clear(&a);
    eventc_ce_clear(&b);
}

static void test_batch_object(void)
{
    eventc_ce_batch b;
    eventc_ce_batch_init(&b, NULL);
    for (int i = 0; i < 9; i++) {
        eventc_ce_event *ev = eventc_ce_batch_add(&b);
        CHECK(ev != NULL);
        CHECK(eventc_ce_set_id(ev, "x", NULL) == EVENTC_OK);
    }
    CHECK(b.n_events == 9);
    CHECK_STR(b.events[8].id, "x");
    eventc_ce_batch_clear(&b);
    CHECK(b.n_events == 0 && b.events == NULL);
    eventc_ce_batch_clear(NULL);
    CHECK(eventc_ce_batch_add(NULL) == NULL);
    eventc_ce_options o = eventc_ce_options_default();
    CHECK(o.limits.max_input == EVENTC_DEFAULT_MAX_INPUT && o.kafka_key_to_partitionkey == 1);
    CHECK(o.alloc == NULL && o.warn == NULL);
}

/* ---- JSON format ---- */

static const char spec_example[] =
    "{\n"
    "    \"specversion\" : \"1.0\",\n"
    "    \"type\" : \"com.github.pull_request.opened\",\n"
    "    \"source\" : \"https://github.com/cloudevents/spec/pull\",\n"
    "    \"subject\" : \"123\",\n"
    "    \"id\" : \"A234-1234-1234\",\n"
    "    \"time\" : \"2018-04-05T17:31:00Z\",\n"
    "    \"comexampleextension1\" : \"value\",\n"
    "    \"comexampleothervalue\" : 5,\n"
    "    \"datacontenttype\" : \"text/xml\",\n"
    "    \"data\" : \"<much wow=\\\"xml\\\"/>\"\n"
    "}";

static char *to_json(const eventc_ce_event *ev)
{
    static char out[4096];
    eventc_buf b = {0};
    eventc_error err;
    if (eventc_ce_to_json(ev, &b, &err) != EVENTC_OK) {
        snprintf(out, sizeof(out), "ERROR %s", fmt(&err));
    } else {
        snprintf(out, sizeof(out), "%s", eventc_buf_cstr(&b));
    }
    eventc_buf_free(&b);
    return out;
}

static void test_json_roundtrip(void)
{
    eventc_ce_event ev, back;
    eventc_error err;
    memset(&ev, 0, sizeof(ev));
    CHECK(eventc_ce_from_json(&ev, spec_example, strlen(spec_example), NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.type, "com.github.pull_request.opened");
    CHECK(ev.data_kind == EVENTC_CE_DATA_TEXT);
    CHECK_STR(ev.data, "<much wow=\"xml\"/>");
    CHECK(eventc_ce_get_ext(&ev, "comexampleothervalue")->type == EVENTC_CE_INTEGER);
    CHECK_STR(to_json(&ev),
              "{\"specversion\":\"1.0\",\"id\":\"A234-1234-1234\",\"source\":\"https://github.com/"
              "cloudevents/spec/pull\",\"type\":\"com.github.pull_request.opened\",\"subject\":"
              "\"123\",\"time\":\"2018-04-05T17:31:00Z\",\"datacontenttype\":\"text/xml\","
              "\"comexampleextension1\":\"value\",\"comexampleothervalue\":5,\"data\":\"<much "
              "wow=\\\"xml\\\"/>\"}");
    memset(&back, 0, sizeof(back));
    const char *canon = to_json(&ev);
    CHECK(eventc_ce_from_json(&back, canon, strlen(canon), NULL, &err) == EVENTC_OK);
    CHECK(eventc_ce_equal(&ev, &back));

    /* Decoding into an event that holds one releases it first. */
    const char *bin = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\","
                      "\"datacontenttype\":\"application/vnd.apache.thrift.binary\","
                      "\"data_base64\":\"AAEC\",\"flag\":true,\"neg\":-7,\"nothing\":null,"
                      "\"subject\":null}";
    CHECK(eventc_ce_from_json(&ev, bin, strlen(bin), NULL, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_BINARY && ev.data_len == 3 && ev.data[2] == 2);
    CHECK(ev.subject == NULL && eventc_ce_get_ext(&ev, "nothing") == NULL);
    CHECK(eventc_ce_get_ext(&ev, "flag")->boolean);
    CHECK(eventc_ce_get_ext(&ev, "neg")->integer == -7);
    CHECK_STR(to_json(&ev), "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":"
                            "\"t\",\"datacontenttype\":\"application/vnd.apache.thrift.binary\","
                            "\"flag\":true,\"neg\":-7,\"data_base64\":\"AAEC\"}");

    /* JSON data without datacontenttype, offsets normalised, every extension type. */
    const char *js = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\","
                     "\"time\":\"2018-04-05T19:31:00.250+02:00\",\"data\":{ \"a\" : [ true ] }}";
    CHECK(eventc_ce_from_json(&ev, js, strlen(js), NULL, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_JSON);
    CHECK(eventc_ce_set_ext_uri(&ev, "u", "urn:x", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_uri_ref(&ev, "r", "../x", &err) == EVENTC_OK);
    eventc_timestamp ts = {0, 0};
    CHECK(eventc_ce_set_ext_timestamp(&ev, "ts", ts, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_binary(&ev, "bin", "\xff", 1, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_ext_string(&ev, "s", "\xe2\x82\xac \"q\"", &err) == EVENTC_OK);
    CHECK_STR(to_json(&ev), "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":"
                            "\"t\",\"time\":\"2018-04-05T17:31:00.25Z\",\"u\":\"urn:x\",\"r\":"
                            "\"../x\",\"ts\":\"1970-01-01T00:00:00Z\",\"bin\":\"/w==\",\"s\":"
                            "\"\xe2\x82\xac \\\"q\\\"\",\"data\":{\"a\":[true]}}");
    /* A JSON string as data stays a JSON string. */
    const char *jstr = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\","
                       "\"data\":\"I'm just a string\"}";
    CHECK(eventc_ce_from_json(&ev, jstr, strlen(jstr), NULL, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_JSON);
    CHECK_STR(ev.data, "\"I'm just a string\"");
    /* data: null with a JSON type is an explicit null; with another type, no data. */
    const char *jnull = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\","
                        "\"data\":null}";
    CHECK(eventc_ce_from_json(&ev, jnull, strlen(jnull), NULL, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_JSON && strcmp(ev.data, "null") == 0);
    const char *tnull = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\","
                        "\"datacontenttype\":\"text/plain\",\"data\":null}";
    CHECK(eventc_ce_from_json(&ev, tnull, strlen(tnull), NULL, &err) == EVENTC_OK);
    CHECK(ev.data_kind == EVENTC_CE_DATA_NONE);
    /* Unicode escapes in attribute values and member names. */
    const char *uni = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":"
                      "\"\\u00e9\\ud83d\\ude00\",\"\\u0065xt\":\"\\u20ac\"}";
    CHECK(eventc_ce_from_json(&ev, uni, strlen(uni), NULL, &err) == EVENTC_OK);
    CHECK_STR(ev.id, "\xc3\xa9\xf0\x9f\x98\x80");
    CHECK_STR(eventc_ce_get_ext(&ev, "ext")->str, "\xe2\x82\xac");
    eventc_ce_clear(&ev);
    eventc_ce_clear(&back);
}

typedef struct bad_case {
    const char *json;
    eventc_status code;
    const char *want;
} bad_case;

#define HEAD "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\""

static void test_json_rejections(void)
{
    static const bad_case cases[] = {
        {"", EVENTC_E_SYNTAX, "$: unexpected end of input, expected an object [syntax]"},
        {"[]", EVENTC_E_TYPE, "$: expected an event object, got an array [type]"},
        {"{", EVENTC_E_SYNTAX, "$: unexpected end of input, expected a member name [syntax]"},
        {"{}", EVENTC_E_REQUIRED, "$.specversion: required attribute is missing [required]"},
        {HEAD "} x", EVENTC_E_SYNTAX, "$: unexpected 'x', expected the end of the input [syntax]"},
        {"{\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\"}", EVENTC_E_REQUIRED,
         "$.specversion: required attribute is missing [required]"},
        {"{\"specversion\":\"1.0\",\"source\":\"/s\",\"id\":\"1\"}", EVENTC_E_REQUIRED,
         "$.type: required attribute is missing [required]"},
        {"{\"specversion\":\"1.0\",\"type\":\"t\",\"id\":\"1\"}", EVENTC_E_REQUIRED,
         "$.source: required attribute is missing [required]"},
        {"{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\"}", EVENTC_E_REQUIRED,
         "$.id: required attribute is missing [required]"},
        {"{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":null}",
         EVENTC_E_REQUIRED, "$.id: required attribute is missing [required]"},
        {"{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"\"}",
         EVENTC_E_CLOUDEVENTS, "$.id: must be a non-empty string [cloudevents]"},
        {"{\"specversion\":\"0.3\",\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\"}",
         EVENTC_E_CLOUDEVENTS,
         "$.specversion: unsupported specversion \"0.3\": only \"1.0\" is supported "
         "[cloudevents]"},
        {"{\"specversion\":1.0,\"type\":\"t\",\"source\":\"/s\",\"id\":\"1\"}", EVENTC_E_TYPE,
         "$.specversion: expected a string, got a number [type]"},
        {"{\"specversion\":\"1.0\",\"type\":[],\"source\":\"/s\",\"id\":\"1\"}", EVENTC_E_TYPE,
         "$.type: expected a string, got an array [type]"},
        {HEAD ",\"id\":\"2\"}", EVENTC_E_DUPLICATE_KEY,
         "$.id: duplicate member \"id\" [duplicate_key]"},
        {HEAD ",\"ext\":1,\"ext\":2}", EVENTC_E_DUPLICATE_KEY,
         "$.ext: duplicate member \"ext\" [duplicate_key]"},
        {HEAD ",\"data\":{\"k\":1,\"k\":1}}", EVENTC_E_DUPLICATE_KEY,
         "$.data: duplicate member \"k\" [duplicate_key]"},
        {HEAD ",\"data\":{\"k\":[1,}}", EVENTC_E_SYNTAX,
         "$.data: unexpected '}', expected a value [syntax]"},
        {HEAD ",\"time\":\"2018-04-05\"}", EVENTC_E_CLOUDEVENTS,
         "$.time: invalid RFC 3339 timestamp \"2018-04-05\": want YYYY-MM-DDTHH:MM:SS[.frac] "
         "then Z or +HH:MM or -HH:MM [cloudevents]"},
        {HEAD ",\"subject\":\"\"}", EVENTC_E_CLOUDEVENTS,
         "$.subject: must be a non-empty string [cloudevents]"},
        {HEAD ",\"subject\":\"a\\u0000b\"}", EVENTC_E_CLOUDEVENTS,
         "$.subject: control character U+0000 is not allowed in a String [cloudevents]"},
        {HEAD ",\"subject\":\"a\\nb\"}", EVENTC_E_CLOUDEVENTS,
         "$.subject: control character U+000A is not allowed in a String [cloudevents]"},
        {"{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"a b\",\"id\":\"1\"}",
         EVENTC_E_CLOUDEVENTS,
         "$.source: not a URI-reference: invalid character ' ' at offset 1 [cloudevents]"},
        {HEAD ",\"dataschema\":\"schema.json\"}", EVENTC_E_CLOUDEVENTS,
         "$.dataschema: not an absolute URI: it has no scheme (such as \"https:\") "
         "[cloudevents]"},
        {HEAD ",\"datacontenttype\":\"json\"}", EVENTC_E_CLOUDEVENTS,
         "$.datacontenttype: not a media type (RFC 2046): expected '/' after the type at offset "
         "4 in \"json\" [cloudevents]"},
        {HEAD ",\"Bad\":1}", EVENTC_E_CLOUDEVENTS,
         "$.Bad: invalid extension attribute name \"Bad\": only lower-case letters a-z and "
         "digits 0-9 are allowed [cloudevents]"},
        {HEAD ",\"my_ext\":1}", EVENTC_E_CLOUDEVENTS,
         "$.my_ext: invalid extension attribute name \"my_ext\": only lower-case letters a-z "
         "and digits 0-9 are allowed [cloudevents]"},
        {HEAD ",\"a b\":1}", EVENTC_E_CLOUDEVENTS,
         "$: invalid extension attribute name \"a b\": only lower-case letters a-z and digits "
         "0-9 are allowed [cloudevents]"},
        {HEAD ",\"\":1}", EVENTC_E_CLOUDEVENTS,
         "$: invalid extension attribute name \"\": only lower-case letters a-z and digits 0-9 "
         "are allowed [cloudevents]"},
        {HEAD ",\"ext\":{}}", EVENTC_E_TYPE,
         "$.ext: an extension attribute cannot be an object (not in the CloudEvents type system) "
         "[type]"},
        {HEAD ",\"ext\":[1]}", EVENTC_E_TYPE,
         "$.ext: an extension attribute cannot be an array (not in the CloudEvents type system) "
         "[type]"},
        {HEAD ",\"ext\":1.5}", EVENTC_E_CLOUDEVENTS,
         "$.ext: number \"1.5\" is not an Integer: an extension number must be a whole number in "
         "the int32 range [cloudevents]"},
        {HEAD ",\"ext\":2147483648}", EVENTC_E_CLOUDEVENTS,
         "$.ext: number \"2147483648\" is not an Integer: an extension number must be a whole "
         "number in the int32 range [cloudevents]"},
        {HEAD ",\"ext\":1e3}", EVENTC_E_CLOUDEVENTS,
         "$.ext: number \"1e3\" is not an Integer: an extension number must be a whole number in "
         "the int32 range [cloudevents]"},
        {HEAD ",\"ext\":\"tab\\there\"}", EVENTC_E_CLOUDEVENTS,
         "$.ext: control character U+0009 is not allowed in a String [cloudevents]"},
        {HEAD ",\"ext\":\"\\ud800\"}", EVENTC_E_UTF8, "$.ext: unpaired surrogate \\uD800 [utf8]"},
        {HEAD ",\"data\":1,\"data_base64\":\"AA==\"}", EVENTC_E_CLOUDEVENTS,
         "$: both data and data_base64 are present (they are mutually exclusive) [cloudevents]"},
        {HEAD ",\"data_base64\":\"AA=\"}", EVENTC_E_CLOUDEVENTS,
         "$.data_base64: not strict Base64 (RFC 4648: standard alphabet, padded, no white space) "
         "[cloudevents]"},
        {HEAD ",\"data_base64\":5}", EVENTC_E_TYPE,
         "$.data_base64: expected a string, got a number [type]"},
        {HEAD ",\"datacontenttype\":\"text/plain\",\"data\":{}}", EVENTC_E_TYPE,
         "$.data: must be a string when datacontenttype \"text/plain\" is not a JSON type "
         "[type]"},
        {HEAD ",\"ext\":tru}", EVENTC_E_SYNTAX, "$.ext: unexpected 't', expected a value [syntax]"},
        {HEAD ",\"ext\":\"\xff\"}", EVENTC_E_UTF8, "$.ext: invalid UTF-8 in a string [utf8]"},
        {HEAD ",\"ext\":\"a\x01\"}", EVENTC_E_SYNTAX,
         "$.ext: control character 0x01 in a string must be escaped [syntax]"},
        {HEAD ",\"ext\":\"\\x\"}", EVENTC_E_SYNTAX, "$.ext: invalid escape '\\x' [syntax]"},
        {HEAD ",\"ext\" 1}", EVENTC_E_SYNTAX, "$: unexpected '1', expected ':' [syntax]"},
        {HEAD ",}", EVENTC_E_SYNTAX, "$: unexpected '}', expected a member name [syntax]"},
        {HEAD " \"x\":1}", EVENTC_E_SYNTAX, "$: unexpected '\"', expected ',' or '}' [syntax]"},
        {HEAD ",\"data\":01}", EVENTC_E_SYNTAX, "$: unexpected '1', expected ',' or '}' [syntax]"},
        {HEAD ",\"data\":-}", EVENTC_E_SYNTAX, "$.data: unexpected '}', expected a digit [syntax]"},
        {HEAD ",\"data\":1.}", EVENTC_E_SYNTAX,
         "$.data: unexpected '}', expected a digit after '.' [syntax]"},
        {HEAD ",\"data\":1e}", EVENTC_E_SYNTAX,
         "$.data: unexpected '}', expected a digit in the exponent [syntax]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        eventc_ce_event ev;
        eventc_error err;
        memset(&ev, 0, sizeof(ev));
        eventc_status st =
            eventc_ce_from_json(&ev, cases[i].json, strlen(cases[i].json), NULL, &err);
        if (st != cases[i].code || strcmp(fmt(&err), cases[i].want) != 0)
            fprintf(stderr, "case %zu: %s\n  got:  %s\n  want: %s\n", i, cases[i].json, fmt(&err),
                    cases[i].want);
        CHECK(st == cases[i].code);
        CHECK(strcmp(fmt(&err), cases[i].want) == 0);
        CHECK(ev.arena_ == NULL && ev.id == NULL);
    }
}

static int warnings_seen;
static void on_warn(void *ctx, unsigned flag, const char *path, const char *message)
{
    (void)ctx;
    warnings_seen++;
    if (flag == EVENTC_CE_WARN_LONG_NAME) {
        CHECK_STR(path, "$.averyveryverylongextensionname");
        CHECK_STR(message,
                  "attribute name is longer than 20 characters (the spec says SHOULD NOT)");
    }
}

static void test_json_limits_and_warnings(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_ce_options o = eventc_ce_options_default();
    char big[300];
    memset(&ev, 0, sizeof(ev));
    const char *doc = HEAD ",\"averyveryverylongextensionname\":\"x\",\"1x\":true}";
    o.warn = on_warn;
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), &o, &err) == EVENTC_OK);
    CHECK(warnings_seen == 2);
    CHECK(ev.warnings == (EVENTC_CE_WARN_LONG_NAME | EVENTC_CE_WARN_NAME_START));
    o = eventc_ce_options_default();
    o.limits.max_input = 10;
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), &o, &err) == EVENTC_E_LIMIT);
    o = eventc_ce_options_default();
    o.limits.max_depth = 2;
    const char *deep = HEAD ",\"data\":[[1]]}";
    CHECK(eventc_ce_from_json(&ev, deep, strlen(deep), &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "$.data: nesting deeper than 2 [limit]");
    o = eventc_ce_options_default();
    o.limits.max_string = 16;
    snprintf(big, sizeof(big), HEAD ",\"subject\":\"abcdefghijklmnopq\"}");
    CHECK(eventc_ce_from_json(&ev, big, strlen(big), &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "$.subject: string longer than 16 bytes [limit]");
    /* data strings are bounded by max_input, not max_string. */
    snprintf(big, sizeof(big),
             HEAD ",\"datacontenttype\":\"text/plain\",\"data\":\"abcdefghijklmnopq\"}");
    CHECK(eventc_ce_from_json(&ev, big, strlen(big), &o, &err) == EVENTC_OK);
    o = eventc_ce_options_default();
    o.limits.max_items = 5;
    CHECK(eventc_ce_from_json(&ev, doc, strlen(doc), &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "$: more than 5 members [limit]");
    /* Data decoded under larger limits can be encoded again. */
    char deepdoc[400];
    int dn = snprintf(deepdoc, sizeof(deepdoc), HEAD ",\"data\":");
    for (int i = 0; i < 40; i++)
        deepdoc[dn++] = '[';
    for (int i = 0; i < 40; i++)
        deepdoc[dn++] = ']';
    deepdoc[dn++] = '}';
    deepdoc[dn] = '\0';
    o = eventc_ce_options_default();
    CHECK(eventc_ce_from_json(&ev, deepdoc, (size_t)dn, &o, &err) == EVENTC_E_LIMIT);
    o.limits.max_depth = 64;
    CHECK(eventc_ce_from_json(&ev, deepdoc, (size_t)dn, &o, &err) == EVENTC_OK);
    CHECK(strncmp(to_json(&ev), "{\"specversion\"", 14) == 0);
    CHECK(eventc_ce_from_json(NULL, doc, 1, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_from_json(&ev, NULL, 1, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_clear(&ev);
}

static void test_batch_json(void)
{
    eventc_ce_batch b;
    eventc_ce_event evs[2];
    eventc_error err;
    eventc_buf out = {0};
    eventc_ce_batch_init(&b, NULL);
    const char *doc = "[ " HEAD ",\"data\":1}, {\"specversion\":\"1.0\",\"type\":\"u\",\"source\":"
                      "\"/s\",\"id\":\"2\",\"data_base64\":\"AA==\"} ]";
    CHECK(eventc_ce_batch_from_json(&b, doc, strlen(doc), NULL, &err) == EVENTC_OK);
    CHECK(b.n_events == 2);
    CHECK_STR(b.events[1].type, "u");
    CHECK(eventc_ce_batch_to_json(b.events, b.n_events, &out, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&out),
              "[{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data\":1},"
              "{\"specversion\":\"1.0\",\"id\":\"2\",\"source\":\"/s\",\"type\":\"u\","
              "\"data_base64\":\"AA==\"}]");
    eventc_buf_reset(&out);
    CHECK(eventc_ce_batch_from_json(&b, " [ ] ", 5, NULL, &err) == EVENTC_OK && b.n_events == 0);
    CHECK(eventc_ce_batch_to_json(NULL, 0, &out, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&out), "[]");
    eventc_buf_reset(&out);
    const char *bad = "[" HEAD "}," HEAD ",\"time\":\"x\"}]";
    CHECK(eventc_ce_batch_from_json(&b, bad, strlen(bad), NULL, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK(strncmp(fmt(&err), "$[1].time: invalid RFC 3339 timestamp \"x\"", 40) == 0);
    CHECK(b.n_events == 0 && b.events == NULL);
    CHECK(eventc_ce_batch_from_json(&b, HEAD "}", strlen(HEAD) + 1, NULL, &err) == EVENTC_E_TYPE);
    CHECK_STR(fmt(&err), "$: expected an array of events, got an object [type]");
    CHECK(eventc_ce_batch_from_json(&b, "[1]", 3, NULL, &err) == EVENTC_E_TYPE);
    CHECK_STR(fmt(&err), "$[0]: expected an event object, got a number [type]");
    CHECK(eventc_ce_batch_from_json(&b, "[" HEAD "}", strlen(HEAD) + 2, NULL, &err) ==
          EVENTC_E_SYNTAX);
    CHECK_STR(fmt(&err), "$: unexpected end of input, expected ',' or ']' [syntax]");
    CHECK(eventc_ce_batch_from_json(&b, "[] x", 4, NULL, &err) == EVENTC_E_SYNTAX);
    CHECK(eventc_ce_batch_from_json(&b, "x", 1, NULL, &err) == EVENTC_E_SYNTAX);
    CHECK_STR(fmt(&err), "$: unexpected 'x', expected '[' [syntax]");
    eventc_ce_options o = eventc_ce_options_default();
    o.limits.max_items = 4;
    const char *two = "[" HEAD "}," HEAD "}," HEAD "}," HEAD "}," HEAD "}]";
    CHECK(eventc_ce_batch_from_json(&b, two, strlen(two), &o, &err) == EVENTC_E_LIMIT);
    CHECK_STR(fmt(&err), "$: more than 4 events [limit]");
    o.limits.max_input = 3;
    CHECK(eventc_ce_batch_from_json(&b, two, strlen(two), &o, &err) == EVENTC_E_LIMIT);
    CHECK(eventc_ce_batch_from_json(NULL, two, 1, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);

    make_event(&evs[0]);
    make_event(&evs[1]);
    evs[1].id = "";
    CHECK(eventc_ce_batch_to_json(evs, 2, &out, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "$[1].id: must be a non-empty string [cloudevents]");
    CHECK(out.len == 0);
    CHECK(eventc_ce_batch_to_json(NULL, 1, &out, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_ce_to_json(&evs[1], &out, &err) == EVENTC_E_CLOUDEVENTS);
    CHECK_STR(fmt(&err), "id: must be a non-empty string [cloudevents]");
    CHECK(eventc_ce_to_json(&evs[0], NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_clear(&evs[0]);
    eventc_ce_clear(&evs[1]);
    eventc_buf_free(&out);
}

int main(void)
{
    test_type_names();
    test_check_string();
    test_check_uri();
    test_parse_time();
    test_media_types();
    test_names();
    test_base64();
    test_percent();
    test_values();
    test_init_and_setters();
    test_extensions();
    test_set_attr();
    test_data();
    test_init_json_copy_equal();
    test_batch_object();
    test_json_roundtrip();
    test_json_rejections();
    test_json_limits_and_warnings();
    test_batch_json();
    return check_report();
}

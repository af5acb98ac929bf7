/* Runs every `$ eventc ce eval ...` example of docs/cesql.md from the source folder and checks
 * that it prints what the page shows: the last line of the example on standard output, the lines
 * before it on standard error, exit status 0. An example may take its event from standard input
 * after a `$ echo '...' \` line.
 *
 *   docs_examples EVENTC SOURCE_DIR */
#define _POSIX_C_SOURCE 200809L

#include <eventc/eventc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_process.h"

#define MAX_LINES 4096
#define MAX_ARGS 8

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Splits @p s in place into words: "double-quoted" (no escapes inside) or bare. */
static int split(char *s, char **words, int max)
{
    int n = 0;
    while (*s != '\0' && n < max) {
        while (*s == ' ') {
            s++;
        }
        if (*s == '\0') {
            break;
        }
        if (*s == '"') {
            words[n++] = ++s;
            s = strchr(s, '"');
            if (s == NULL) {
                return -1;
            }
        } else {
            words[n++] = s;
            while (*s != ' ' && *s != '\0') {
                s++;
            }
            if (*s == '\0') {
                break;
            }
        }
        *s++ = '\0';
    }
    return n;
}

int main(int argc, char **argv)
{
    char path[4096], *text, *lines[MAX_LINES];
    size_t n_lines = 0, len, examples = 0, failures = 0;
    FILE *fp;
    const char *input = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: docs_examples EVENTC SOURCE_DIR\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/docs/cesql.md", argv[2]);
    fp = fopen(path, "rb");
    if (fp == NULL || chdir(argv[2]) != 0) {
        fprintf(stderr, "%s: cannot open\n", path);
        return 1;
    }
    text = malloc(1 << 20);
    len = fread(text, 1, (1 << 20) - 1, fp);
    fclose(fp);
    text[len] = '\0';
    for (char *p = text; p != NULL && *p != '\0' && n_lines < MAX_LINES;) {
        char *nl = strchr(p, '\n');
        lines[n_lines++] = p;
        if (nl) {
            *nl = '\0';
        }
        p = nl ? nl + 1 : NULL;
    }
    for (size_t i = 0; i < n_lines; i++) {
        const char *cmd = NULL;
        char *words[MAX_ARGS + 4], copy[4096], tmp[] = "/tmp/eventc-cesql-docs-XXXXXX";
        eventc_buf out, err, want_err;
        size_t end;
        int n, status;
        if (starts_with(lines[i], "$ echo '") && strstr(lines[i], "' \\") != NULL) {
            input = lines[i] + strlen("$ echo '");
            *strstr(lines[i], "' \\") = '\0';
            continue;
        }
        if (starts_with(lines[i], "$ eventc ce eval ")) {
            cmd = lines[i] + strlen("$ eventc ce eval ");
        } else if (starts_with(lines[i], "  | eventc ce eval ") && input != NULL) {
            cmd = lines[i] + strlen("  | eventc ce eval ");
        } else {
            input = NULL;
            continue;
        }
        /* The output shown: up to the next command or the end of the block. */
        for (end = i + 1;
             end < n_lines && !starts_with(lines[end], "$ ") && !starts_with(lines[end], "```");
             end++) {
        }
        snprintf(copy, sizeof(copy), "%s", cmd);
        words[0] = (char *)argv[1];
        words[1] = "ce";
        words[2] = "eval";
        n = split(copy, words + 3, MAX_ARGS);
        if (n < 1 || end == i + 1) {
            fprintf(stderr, "docs/cesql.md:%zu: cannot read the example\n", i + 1);
            failures++;
            continue;
        }
        words[3 + n] = NULL;
        if (cmd != lines[i] + strlen("$ eventc ce eval ")) {
            int fd = mkstemp(tmp);
            if (fd < 0 || write(fd, input, strlen(input)) < 0 || write(fd, "\n", 1) != 1) {
                fprintf(stderr, "cannot write a temporary file\n");
                return 1;
            }
            close(fd);
        }
        eventc_buf_init(&out, NULL);
        eventc_buf_init(&err, NULL);
        eventc_buf_init(&want_err, NULL);
        status = run_process(words, input ? tmp : NULL, &out, &err);
        if (input) {
            unlink(tmp);
        }
        for (size_t k = i + 1; k + 1 < end; k++) {
            eventc_buf_append_str(&want_err, lines[k]);
            eventc_buf_putc(&want_err, '\n');
        }
        examples++;
        if (status != 0 || out.len != strlen(lines[end - 1]) + 1 ||
            strncmp(eventc_buf_cstr(&out), lines[end - 1], out.len - 1) != 0 ||
            strcmp(eventc_buf_cstr(&err), eventc_buf_cstr(&want_err)) != 0) {
            failures++;
            fprintf(stderr,
                    "docs/cesql.md:%zu: eventc ce eval %s\n  status %d\n  stdout: %s  want:   %s\n"
                    "  stderr:\n%s  want:\n%s",
                    i + 1, cmd, status, eventc_buf_cstr(&out), lines[end - 1],
                    eventc_buf_cstr(&err), eventc_buf_cstr(&want_err));
        }
        eventc_buf_free(&out);
        eventc_buf_free(&err);
        eventc_buf_free(&want_err);
        input = NULL;
        i = end - 1;
    }
    free(text);
    printf("docs/cesql.md: %zu examples of eventc ce eval, %zu failed\n", examples, failures);
    return failures == 0 && examples >= 10 ? 0 : 1;
}

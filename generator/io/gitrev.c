#define _XOPEN_SOURCE 700 /* mkdtemp, nftw, fork, execvp */
#include "gitrev.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int gen_git_is_spec(const char *arg)
{
    return strncmp(arg, "git:", 4) == 0;
}

/* Runs argv (no shell) with standard input from /dev/null and standard error discarded;
 * collects standard output into *out (malloc'd, NUL-terminated) when out is not NULL, else
 * discards it. Returns the exit status, or -1 when the program could not be run. */
static int run(char *const argv[], char **out)
{
    int fds[2] = {-1, -1};
    if (out && pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        if (out) {
            close(fds[0]);
            close(fds[1]);
        }
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 2);
            if (!out)
                dup2(null, 1);
        }
        if (out) {
            dup2(fds[1], 1);
            close(fds[0]);
            close(fds[1]);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    gen_str s;
    gen_str_init(&s);
    if (out) {
        close(fds[1]);
        char buf[4096];
        for (;;) {
            ssize_t n = read(fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            gen_str_append(&s, buf, (size_t)n);
        }
        close(fds[0]);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out)
        *out = gen_str_detach(&s);
    else
        gen_str_free(&s);
    if (!WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

void gen_git_remove(const char *dir)
{
    if (dir)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

int gen_git_extract(const char *spec, char **dir, char **path, char **why)
{
    *dir = *path = *why = NULL;
    const char *rev = spec + 4;
    const char *colon = strchr(rev, ':');
    if (!gen_git_is_spec(spec) || !colon || colon == rev || !colon[1]) {
        *why = gen_xstrdup("expected git:REV:path (a revision, then the catalog's path in it)");
        return -1;
    }
    char *revision = gen_xstrndup(rev, (size_t)(colon - rev));
    const char *file = colon + 1;
    char *top = NULL, *commit = NULL, *list = NULL, *tmp = NULL;
    int rc = -1;
    {
        char *argv[] = {"git", "rev-parse", "--show-toplevel", NULL};
        int st = run(argv, &top);
        if (st < 0) {
            *why = gen_xstrdup("cannot run git");
            goto done;
        }
        chomp(top);
        if (st != 0 || !*top) {
            *why = gen_xstrdup("the current folder is not in a git work tree");
            goto done;
        }
    }
    {
        char *ref = gen_format("%s^{commit}", revision);
        char *argv[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options", ref, NULL};
        int st = run(argv, &commit);
        free(ref);
        chomp(commit);
        if (st != 0 || !*commit) {
            *why = gen_format("unknown revision '%s' (a shallow clone may lack it)", revision);
            goto done;
        }
    }
    {
        char *obj = gen_format("%s:%s", commit, file);
        char *argv[] = {"git", "-C", top, "cat-file", "-e", obj, NULL};
        int st = run(argv, NULL);
        free(obj);
        if (st != 0) {
            *why = gen_format("revision '%s' has no file '%s' (paths start at the top of the "
                              "work tree)",
                              revision, file);
            goto done;
        }
    }
    {
        char *argv[] = {"git", "-C", top, "ls-tree", "-r", "-z", "--name-only", commit, NULL};
        if (run(argv, &list) != 0) {
            *why = gen_format("cannot list the files of revision '%s'", revision);
            goto done;
        }
    }
    const char *base = getenv("TMPDIR");
    char *templ = gen_format("%s/eventc-git-XXXXXX", base && *base ? base : "/tmp");
    tmp = mkdtemp(templ);
    if (!tmp) {
        *why = gen_format("cannot make a temporary folder: %s", strerror(errno));
        free(templ);
        goto done;
    }
    {
        /* git archive COMMIT -- <the YAML and JSON files>, then tar -x. */
        size_t n = 0;
        for (const char *p = list; *p; p += strlen(p) + 1)
            n++;
        char **argv = gen_xcalloc(n + 10, sizeof(*argv));
        char *tar = gen_format("%s/revision.tar", tmp);
        char *out = gen_format("--output=%s", tar);
        size_t k = 0;
        argv[k++] = "git";
        argv[k++] = "-C";
        argv[k++] = top;
        argv[k++] = "archive";
        argv[k++] = "--format=tar";
        argv[k++] = out;
        argv[k++] = commit;
        argv[k++] = "--";
        size_t files = 0;
        for (char *p = list; *p; p += strlen(p) + 1) {
            size_t len = strlen(p);
            if (has_suffix(p, len, ".yaml") || has_suffix(p, len, ".yml") ||
                has_suffix(p, len, ".json"))
                argv[k++] = p, files++;
        }
        int st = files ? run(argv, NULL) : -1;
        char *tree = gen_format("%s/tree", tmp);
        if (st == 0 && mkdir(tree, 0700) == 0) {
            char *targv[] = {"tar", "-x", "-f", tar, "-C", tree, NULL};
            st = run(targv, NULL);
        } else if (st == 0) {
            st = -1;
        }
        remove(tar);
        free(argv);
        free(out);
        free(tar);
        if (st != 0) {
            *why = gen_format("cannot extract revision '%s' (git archive and tar)", revision);
            free(tree);
            goto done;
        }
        *path = gen_format("%s/%s", tree, file);
        free(tree);
    }
    *dir = tmp;
    tmp = NULL;
    rc = 0;
done:
    if (tmp) {
        gen_git_remove(tmp);
        free(tmp);
    }
    free(revision);
    free(top);
    free(commit);
    free(list);
    return rc;
}

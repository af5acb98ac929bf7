/* A PostgreSQL server for one test program: initdb into a temporary folder (as the user
 * `nobody` when run as root, since PostgreSQL refuses to run as root), pg_ctl start on 127.0.0.1
 * with a free port and the socket in the same folder, fsync off.
 *
 * A guardian process stops the server and removes the folder when the test ends in any way: it
 * waits for the end of a pipe the test holds, which closes when the test exits, crashes or is
 * killed. pg_server_start returns 77 (skip) when the PostgreSQL binaries are not installed. */
#ifndef EVENTC_TESTS_PG_SERVER_H
#define EVENTC_TESTS_PG_SERVER_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <glob.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct pg_server {
    char dir[256];
    char bin[256];
    char as[64]; /* "runuser -u nobody -- " when root */
    int port;
    /* A libpq URL (postgresql://postgres@127.0.0.1:PORT/postgres). */
    char url[128];
    pid_t guardian;
    int guard_fd;
} pg_server;

static int pg_run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

static int pg_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void pg_stop_and_remove(const pg_server *s)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s%s/pg_ctl -D '%s/data' -m immediate -w stop >/dev/null 2>&1",
             s->as, s->bin, s->dir);
    pg_run(cmd);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
    pg_run(cmd);
}

/** Starts the server. @return 0; 77 when PostgreSQL is not installed; 1 on failure (the
 *  reason on stderr, the server log copied there). */
static int pg_server_start(pg_server *s)
{
    memset(s, 0, sizeof(*s));
    s->guard_fd = -1;
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        printf("SKIPPED: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)\n");
        return 77;
    }
    /* The newest version: glob sorts, so the last one. */
    snprintf(s->bin, sizeof(s->bin), "%s", g.gl_pathv[g.gl_pathc - 1]);
    globfree(&g);
    *strrchr(s->bin, '/') = '\0';
    /* As root the server runs as nobody, who must reach the folder: /tmp, whatever TMPDIR says
     * (it may be under a home folder only root can enter). */
    const char *tmp = geteuid() == 0 ? NULL : getenv("TMPDIR");
    snprintf(s->dir, sizeof(s->dir), "%s/eventc-pg-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(s->dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("nobody");
        if (pw == NULL || chown(s->dir, pw->pw_uid, pw->pw_gid) != 0) {
            fprintf(stderr, "pg_server: cannot hand %s to the user nobody\n", s->dir);
            rmdir(s->dir);
            return 1;
        }
        snprintf(s->as, sizeof(s->as), "runuser -u nobody -- ");
    }
    chmod(s->dir, 0755);
    /* The guardian: stops and removes everything once the pipe's write end closes. */
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    /* Not inherited by the server (started through system()): only this process and its
     * forks hold the write end. */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    s->guardian = fork();
    if (s->guardian == 0) {
        close(fds[1]);
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        char c;
        while (read(fds[0], &c, 1) > 0) {
        }
        pg_stop_and_remove(s);
        _exit(0);
    }
    close(fds[0]);
    s->guard_fd = fds[1];
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "%s%s/initdb -D '%s/data' -A trust -U postgres -E UTF8 --locale=C --no-sync "
             ">'%s/initdb.log' 2>&1",
             s->as, s->bin, s->dir, s->dir);
    if (pg_run(cmd) != 0) {
        fprintf(stderr, "pg_server: initdb failed:\n");
        snprintf(cmd, sizeof(cmd), "cat '%s/initdb.log' >&2", s->dir);
        pg_run(cmd);
        return 1;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = pg_free_port();
        snprintf(cmd, sizeof(cmd),
                 "%s%s/pg_ctl -D '%s/data' -l '%s/server.log' -w -t 300 -o \"-h 127.0.0.1 -p %d "
                 "-k '%s' -F -c max_connections=60 -c shared_buffers=16MB\" start >/dev/null 2>&1",
                 s->as, s->bin, s->dir, s->dir, s->port, s->dir);
        if (pg_run(cmd) == 0) {
            snprintf(s->url, sizeof(s->url), "postgresql://postgres@127.0.0.1:%d/postgres",
                     s->port);
            return 0;
        }
    }
    fprintf(stderr, "pg_server: pg_ctl start failed:\n");
    snprintf(cmd, sizeof(cmd), "cat '%s/server.log' >&2", s->dir);
    pg_run(cmd);
    return 1;
}

/** Stops the server and removes its folder (through the guardian); waits for both. */
static void pg_server_stop(pg_server *s)
{
    if (s->guard_fd >= 0) {
        close(s->guard_fd);
        s->guard_fd = -1;
    }
    if (s->guardian > 0) {
        waitpid(s->guardian, NULL, 0);
        s->guardian = 0;
    }
}

#endif

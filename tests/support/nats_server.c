/* A real nats-server for tests (nats_server.h). */
#define _GNU_SOURCE
#include "nats_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Servers to stop at exit. */
#define MAX_SERVERS 16
static nats_server *live[MAX_SERVERS];

static const char *binary(void)
{
    const char *b = getenv("EVENTC_NATS_SERVER");
    return b != NULL && b[0] != '\0' ? b : "nats-server";
}

/* The binary's full path into out (empty when it cannot be found). */
static void resolve(char *out, size_t cap)
{
    const char *b = binary();
    out[0] = '\0';
    if (strchr(b, '/') != NULL) {
        if (access(b, X_OK) == 0) {
            snprintf(out, cap, "%s", b);
        }
        return;
    }
    const char *path = getenv("PATH");
    if (path == NULL) {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, cap, "%.*s/%s", (int)n, path, b);
        if (n > 0 && access(out, X_OK) == 0) {
            return;
        }
        path += n + (colon != NULL);
    }
    /* Debian installs it in /usr/sbin, which a user's PATH may lack. */
    snprintf(out, cap, "/usr/sbin/%s", b);
    if (access(out, X_OK) != 0) {
        out[0] = '\0';
    }
}

bool nats_server_available(void)
{
    char full[1024];
    resolve(full, sizeof(full));
    return full[0] != '\0';
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A port nobody listens on right now (the kernel's choice for an ephemeral bind). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int port = -1;
    if (fd < 0) {
        return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

static bool accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    bool ok;
    if (fd < 0) {
        return false;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void forget(nats_server *s)
{
    for (int i = 0; i < MAX_SERVERS; i++) {
        if (live[i] == s) {
            live[i] = NULL;
        }
    }
    s->registered = false;
}

static void stop_all(void)
{
    for (int i = 0; i < MAX_SERVERS; i++) {
        if (live[i] != NULL) {
            nats_server_stop(live[i]);
        }
    }
}

static void remember(nats_server *s)
{
    static bool hooked;
    if (!hooked) {
        atexit(stop_all);
        hooked = true;
    }
    for (int i = 0; i < MAX_SERVERS && !s->registered; i++) {
        if (live[i] == NULL) {
            live[i] = s;
            s->registered = true;
        }
    }
}

/* Runs the server on s->port in s->dir and waits until it accepts clients. */
static int launch(nats_server *s)
{
    char conf[600], store[600], log[600], port[16], exe[1024];
    resolve(exe, sizeof(exe));
    if (exe[0] == '\0') {
        fprintf(stderr, "nats_server: %s not found\n", binary());
        return -1;
    }
    snprintf(conf, sizeof(conf), "%s/nats.conf", s->dir);
    snprintf(store, sizeof(store), "%s/js", s->dir);
    snprintf(log, sizeof(log), "%s/server.log", s->dir);
    snprintf(port, sizeof(port), "%d", s->port);
    FILE *f = fopen(conf, "w");
    if (f == NULL || fputs("max_payload: 8MB\n", f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "nats_server: cannot write %s\n", conf);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "nats_server: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* Dies with the test process, however that one dies. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        if (in >= 0) {
            dup2(in, 0);
        }
        char *argv[] = {exe, "-c", conf, "-a", "127.0.0.1", "-p", port, "-js", "-sd", store, NULL};
        execv(exe, argv);
        _exit(127);
    }
    s->pid = pid;
    snprintf(s->url, sizeof(s->url), "nats://127.0.0.1:%d", s->port);
    for (int i = 0; i < 400; i++) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            s->pid = 0;
            return -1; /* exited: port taken, bad store, ... (see its log) */
        }
        if (accepts(s->port)) {
            return 0;
        }
        pause_ms(50);
    }
    fprintf(stderr, "nats_server: no answer on port %d after 20 s (log: %s)\n", s->port, log);
    nats_server_kill(s);
    return -1;
}

int nats_server_start(nats_server *s, const char *dir)
{
    memset(s, 0, sizeof(*s));
    if (dir == NULL) {
        const char *tmp = getenv("TMPDIR");
        snprintf(s->dir, sizeof(s->dir), "%s/eventc-nats-XXXXXX",
                 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
        if (mkdtemp(s->dir) == NULL) {
            fprintf(stderr, "nats_server: mkdtemp %s: %s\n", s->dir, strerror(errno));
            return -1;
        }
        s->own_dir = true;
    } else {
        snprintf(s->dir, sizeof(s->dir), "%s", dir);
        if (mkdir(s->dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "nats_server: mkdir %s: %s\n", s->dir, strerror(errno));
            return -1;
        }
    }
    remember(s);
    /* Another process may take the free port between our look and the server's bind. */
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = free_port();
        if (s->port > 0 && launch(s) == 0) {
            return 0;
        }
    }
    fprintf(stderr, "nats_server: could not start %s (log: %s/server.log)\n", binary(), s->dir);
    nats_server_stop(s);
    return -1;
}

int nats_server_kill(nats_server *s)
{
    if (s == NULL || s->pid <= 0) {
        return -1;
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
    return 0;
}

int nats_server_restart(nats_server *s)
{
    if (s == NULL || s->port <= 0) {
        return -1;
    }
    if (s->pid > 0) {
        nats_server_kill(s);
    }
    remember(s);
    /* The port was ours a moment ago; give the kernel a moment if it is still held. */
    for (int attempt = 0; attempt < 20; attempt++) {
        if (launch(s) == 0) {
            return 0;
        }
        pause_ms(250);
    }
    fprintf(stderr, "nats_server: could not restart on port %d\n", s->port);
    return -1;
}

void nats_server_stop(nats_server *s)
{
    if (s == NULL) {
        return;
    }
    if (s->pid > 0) {
        int status;
        kill(s->pid, SIGTERM);
        for (int i = 0; i < 200 && waitpid(s->pid, &status, WNOHANG) == 0; i++) {
            pause_ms(50);
        }
        if (waitpid(s->pid, &status, WNOHANG) == 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
        }
        s->pid = 0;
    }
    if (s->own_dir && s->dir[0] != '\0') {
        nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        s->dir[0] = '\0';
    }
    forget(s);
}

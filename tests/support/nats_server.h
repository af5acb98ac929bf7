/**
 * @file nats_server.h
 * @brief A real `nats-server -js` for tests (library eventc_test_nats_server): started on
 *        127.0.0.1 on a free port with a temporary store folder, killed and restarted on the
 *        same port and store for fault tests, and stopped at the end.
 *
 *     nats_server srv;
 *     if (!nats_server_available()) { puts("SKIPPED: no nats-server"); return 0; }
 *     if (nats_server_start(&srv, NULL) != 0) { ...fail... }
 *     ... connect to srv.url ...
 *     nats_server_kill(&srv);      // SIGKILL: nothing flushed, nothing said goodbye
 *     nats_server_restart(&srv);   // same port, same store
 *     nats_server_stop(&srv);      // SIGTERM, wait, remove the temporary folder
 *
 * No stray process, also on failure: the server is started with a parent-death signal
 * (SIGKILL when the test process dies, however it dies), and every server still running is
 * stopped at exit (atexit). The temporary folder (under $TMPDIR, else /tmp) is removed by
 * nats_server_stop and at exit, unless the caller gave its own folder.
 *
 * The server's configuration: `-a 127.0.0.1 -p <port> -js -sd <dir>/js`, plus a configuration
 * file raising max_payload to 8 MiB (the 1 MiB conformance test). Its log is `<dir>/server.log`.
 * The binary is `nats-server` on PATH, or $EVENTC_NATS_SERVER.
 *
 * Not thread-safe: start, kill, restart and stop one server from one thread.
 */
#ifndef EVENTC_TESTS_NATS_SERVER_H
#define EVENTC_TESTS_NATS_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A running (or killed) server. */
typedef struct nats_server {
    pid_t pid;       /**< 0 when not running */
    int port;        /**< the port it listens on */
    char url[64];    /**< `nats://127.0.0.1:<port>` */
    char dir[512];   /**< its folder: store in dir/js, log in dir/server.log */
    bool own_dir;    /**< the folder is temporary (removed by stop) */
    bool registered; /**< known to the exit handler */
} nats_server;

/** @return true when the nats-server binary can be run (tests skip otherwise). */
bool nats_server_available(void);

/**
 * Starts a server on a free port and waits until it accepts clients (at most 20 s).
 * @param dir the folder for its store and log, created if missing; NULL: a new temporary folder
 * @return 0, or -1 with a line on standard error.
 */
int nats_server_start(nats_server *s, const char *dir);

/** Kills the server with SIGKILL and waits for it. @return 0, or -1 when it was not running. */
int nats_server_kill(nats_server *s);

/** Starts the server again on the same port with the same store (after kill or stop's
 *  SIGTERM without removal; see nats_server_start). @return 0 or -1. */
int nats_server_restart(nats_server *s);

/** Stops the server (SIGTERM, then SIGKILL after 10 s) and removes a temporary folder.
 *  NULL-safe; idempotent. */
void nats_server_stop(nats_server *s);

#ifdef __cplusplus
}
#endif

#endif

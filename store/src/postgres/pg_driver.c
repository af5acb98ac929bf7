/* The PostgreSQL backend: one libpq connection, parameters sent as text (integers typed int8),
 * write transactions in READ COMMITTED with row locks (SELECT ... FOR UPDATE on the stream's
 * row, FOR UPDATE SKIP LOCKED on the relay's heads), migrations under an advisory lock. */
#include "../store_internal.h"
#include "eventc/store_postgres.h"
#include "pg_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PG_PARAMS_MAX = 16, PG_INT8_OID = 20 };

typedef struct pg_conn_ {
    PGconn *conn;
    bool own;
} pg_conn_;

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

PGconn *pg_connect(const char *conninfo, eventc_error *err)
{
    PGconn *c = PQconnectdb(conninfo);
    if (c == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        pg_error(c, NULL, err);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

int pg_ok(const PGresult *res)
{
    ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

eventc_status pg_error(PGconn *conn, const PGresult *res, eventc_error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(conn);
    eventc_status st = EVENTC_E_IO;
    if (PQstatus(conn) != CONNECTION_OK)
        st = EVENTC_E_UNAVAILABLE;
    else if (state && strcmp(state, "23505") == 0)
        st = EVENTC_E_CONFLICT;
    else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                       strcmp(state, "55P03") == 0))
        st = EVENTC_E_UNAVAILABLE;
    size_t len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    return eventc_error_set(err, st, NULL, "postgres: %.*s", (int)len, msg);
}

static eventc_status pg_exec(void *conn, const char *sql, const store_param *params, size_t n,
                             store_row_fn row, void *ctx, int64_t *changes, eventc_error *err)
{
    pg_conn_ *c = conn;
    if (n > PG_PARAMS_MAX)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "too many parameters");
    char ints[PG_PARAMS_MAX][24];
    const char *values[PG_PARAMS_MAX];
    int lengths[PG_PARAMS_MAX];
    Oid types[PG_PARAMS_MAX];
    for (size_t i = 0; i < n; i++) {
        types[i] = 0;
        lengths[i] = 0;
        if (params[i].kind == SP_INT) {
            snprintf(ints[i], sizeof(ints[i]), "%lld", (long long)params[i].i);
            values[i] = ints[i];
            types[i] = PG_INT8_OID;
        } else if (params[i].kind == SP_TEXT) {
            values[i] = params[i].s;
            lengths[i] = (int)params[i].len;
        } else {
            values[i] = NULL;
        }
    }
    PGresult *res = PQexecParams(c->conn, sql, (int)n, types, values, lengths, NULL, 0);
    if (!pg_ok(res)) {
        eventc_status st = pg_error(c->conn, res, err);
        PQclear(res);
        return st;
    }
    eventc_status st = EVENTC_OK;
    int ncol = PQnfields(res);
    ncol = ncol < PG_PARAMS_MAX ? ncol : PG_PARAMS_MAX;
    for (int r = 0; row && r < PQntuples(res); r++) {
        const char *vals[PG_PARAMS_MAX];
        size_t lens[PG_PARAMS_MAX];
        for (int i = 0; i < ncol; i++) {
            vals[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
            lens[i] = (size_t)PQgetlength(res, r, i);
        }
        if (row(ctx, ncol, vals, lens) != 0) {
            st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "row refused");
            break;
        }
    }
    if (changes) {
        const char *t = PQcmdTuples(res);
        *changes = t && t[0] ? strtoll(t, NULL, 10) : 0;
    }
    PQclear(res);
    return st;
}

static eventc_status pg_script(void *conn, const char *sql, eventc_error *err)
{
    pg_conn_ *c = conn;
    PGresult *res = PQexec(c->conn, sql);
    eventc_status st = pg_ok(res) ? EVENTC_OK : pg_error(c->conn, res, err);
    PQclear(res);
    return st;
}

static eventc_status pg_begin(void *conn, eventc_error *err)
{
    return pg_script(conn, "BEGIN", err);
}

static eventc_status pg_commit(void *conn, eventc_error *err)
{
    return pg_script(conn, "COMMIT", err);
}

static void pg_rollback(void *conn)
{
    pg_conn_ *c = conn;
    PQclear(PQexec(c->conn, "ROLLBACK"));
}

static void pg_close(void *conn)
{
    pg_conn_ *c = conn;
    if (c->own)
        PQfinish(c->conn);
    free(c);
}

static const store_driver pg_driver = {
    "postgres",
    "BIGSERIAL PRIMARY KEY",
    " FOR UPDATE SKIP LOCKED",
    " FOR UPDATE",
    pg_exec,
    pg_script,
    /* Any constant: the key of the store's migrations among the database's advisory locks. */
    "SELECT pg_advisory_xact_lock(7513201)",
    pg_begin,
    pg_commit,
    pg_rollback,
    pg_close,
};

eventc_store *store_pg_open(const char *conninfo, const eventc_store_config *cfg, eventc_error *err)
{
    void *mem = NULL;
    eventc_store *s = store_alloc(sizeof(pg_conn_), &mem, err);
    if (s == NULL)
        return NULL;
    pg_conn_ *c = mem;
    c->own = true;
    c->conn = pg_connect(conninfo, err);
    eventc_status st = c->conn ? store_migrate(&pg_driver, c, true, err) : EVENTC_E_UNAVAILABLE;
    if (st != EVENTC_OK) {
        pg_close(c);
        free(s);
        return NULL;
    }
    store_init(s, &pg_driver, c, cfg);
    return s;
}

eventc_status eventc_store_pg_migrate(PGconn *conn, eventc_error *err)
{
    if (conn == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no connection");
    pg_conn_ c = {conn, false};
    return store_migrate(&pg_driver, &c, PQtransactionStatus(conn) == PQTRANS_IDLE, err);
}

eventc_status eventc_store_pg_outbox_add(PGconn *conn, const eventc_catalog *cat, const void *ev,
                                         eventc_error *err)
{
    if (conn == NULL || cat == NULL || ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no connection or event");
    pg_conn_ c = {conn, false};
    return store_outbox_insert(&pg_driver, &c, cat, ev, eventc_clock_now(eventc_clock_realtime()),
                               err);
}

/* Built into the Kafka tests under ThreadSanitizer only (-DEVENTC_TSAN=ON). librdkafka starts its
 * threads with C11 thrd_create, which glibc implements without going through pthread_create;
 * ThreadSanitizer (clang 14) intercepts only the latter, and a thread it never saw start crashes
 * it on its first intercepted call. These definitions take the place of glibc's for librdkafka
 * (an executable's symbols come first) and start the threads through pthread_create. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

typedef struct start {
    thrd_start_t fn;
    void *arg;
} start;

static void *trampoline(void *p)
{
    start s = *(start *)p;
    free(p);
    return (void *)(intptr_t)s.fn(s.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg)
{
    start *s = malloc(sizeof(*s));
    if (s == NULL) {
        return thrd_nomem;
    }
    s->fn = fn;
    s->arg = arg;
    pthread_t t;
    int rc = pthread_create(&t, NULL, trampoline, s);
    if (rc != 0) {
        free(s);
        return rc == ENOMEM || rc == EAGAIN ? thrd_nomem : thrd_error;
    }
    *thr = (thrd_t)t;
    return thrd_success;
}

int thrd_join(thrd_t thr, int *res)
{
    void *r = NULL;
    if (pthread_join((pthread_t)thr, &r) != 0) {
        return thrd_error;
    }
    if (res != NULL) {
        *res = (int)(intptr_t)r;
    }
    return thrd_success;
}

int thrd_detach(thrd_t thr)
{
    return pthread_detach((pthread_t)thr) == 0 ? thrd_success : thrd_error;
}

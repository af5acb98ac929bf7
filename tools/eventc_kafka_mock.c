/* eventc-kafka-mock: librdkafka's mock Kafka cluster in a process of its own. It listens on
 * 127.0.0.1 (one ephemeral port per broker), prints the bootstrap servers on its first line, and
 * serves until SIGTERM or SIGINT, then stops cleanly. Topics are created on first use with 4
 * partitions, or beforehand with --topic NAME:PARTITIONS. For demos, the docs and tests that run
 * several processes; it keeps everything in memory. */
#define _POSIX_C_SOURCE 200809L
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: eventc-kafka-mock [--brokers N] [--topic NAME[:PARTITIONS]]...\n"
    "\n"
    "Starts librdkafka's mock Kafka cluster on 127.0.0.1, prints its bootstrap servers\n"
    "(HOST:PORT,...) on the first line of standard output and serves until SIGTERM or SIGINT.\n"
    "Topics are created when first used, with 4 partitions.\n"
    "\n"
    "options:\n"
    "  --brokers N                 brokers in the cluster (default 3, at most 16)\n"
    "  --topic NAME[:PARTITIONS]   create NAME first, with PARTITIONS partitions (default 4)\n";

static void quiet(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk, (void)fac;
    if (level <= 3) /* errors and worse */
        fprintf(stderr, "eventc-kafka-mock: %s\n", buf);
}

static int usage(const char *fmt, const char *arg)
{
    fputs("eventc-kafka-mock: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'eventc-kafka-mock --help'.\n", stderr);
    return 2;
}

static long number(const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno == 0 && *end == '\0' && end != s && v >= lo && v <= hi ? v : -1;
}

int main(int argc, char **argv)
{
    long brokers = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--brokers") == 0 && i + 1 < argc) {
            if ((brokers = number(argv[++i], 1, 16)) < 0)
                return usage("--brokers wants 1 to 16, not '%s'", argv[i]);
        } else if (strcmp(argv[i], "--topic") == 0 && i + 1 < argc) {
            const char *colon = strrchr(argv[++i], ':');
            if (argv[i][0] == '\0' || colon == argv[i] ||
                (colon != NULL && number(colon + 1, 1, 10000) < 0))
                return usage("--topic wants NAME or NAME:PARTITIONS, not '%s'", argv[i]);
        } else {
            return usage("unknown or incomplete option '%s'", argv[i]);
        }
    }

    /* Block the stop signals before any thread starts, so librdkafka's threads inherit the mask
     * and sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    char why[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, quiet);
    rd_kafka_t *host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof why);
    if (host == NULL) {
        fprintf(stderr, "eventc-kafka-mock: %s\n", why);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(host, (int)brokers);
    if (cluster == NULL) {
        fputs("eventc-kafka-mock: cannot start the mock cluster\n", stderr);
        rd_kafka_destroy(host);
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--topic") != 0)
            continue;
        char name[512];
        snprintf(name, sizeof name, "%s", argv[++i]);
        char *colon = strrchr(name, ':');
        long partitions = 4;
        if (colon != NULL) {
            partitions = number(colon + 1, 1, 10000);
            *colon = '\0';
        }
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster, name, (int)partitions,
                                                           brokers < 3 ? (int)brokers : 3);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "eventc-kafka-mock: topic %s: %s\n", name, rd_kafka_err2str(e));
            rc = 1;
        }
    }
    if (rc == 0) {
        printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
        if (fflush(stdout) != 0)
            rc = 1;
    }
    if (rc == 0) {
        int sig = 0;
        sigwait(&stop, &sig);
    }
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(host);
    return rc;
}

/*
 * What one publish costs the official C client (libnats) on the publishing thread alone,
 * measured as `license-bench publish-cost` measures ours: publishes into the reconnect buffer of
 * a connection that has no server (retry on failed connect), so no socket and no flusher take
 * part. Prints the best of several rounds, each on a new connection.
 *
 *   publish-cost-c [N]        one line: c publish-cost n=N size=16 best_ns_per_publish=X
 */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void on_connected(natsConnection *nc, void *closure) { (void)nc; (void)closure; }

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void check(natsStatus s, const char *what)
{
    if (s != NATS_OK) {
        fprintf(stderr, "publish-cost-c: %s: %s\n", what, natsStatus_GetText(s));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    const int rounds = 12;
    char payload[16];
    for (int i = 0; i < 16; i++) payload[i] = 'x';
    double best = -1;
    for (int round = 0; round < rounds; round++) {
        natsOptions *opts = NULL;
        natsConnection *nc = NULL;
        check(natsOptions_Create(&opts), "options");
        /* A port nothing listens on; the connection keeps retrying and buffers every publish. */
        check(natsOptions_SetURL(opts, "nats://127.0.0.1:1"), "url");
        check(natsOptions_SetRetryOnFailedConnect(opts, true, on_connected, NULL), "retry");
        check(natsOptions_SetMaxReconnect(opts, -1), "max reconnect");
        check(natsOptions_SetReconnectWait(opts, 10000), "reconnect wait");
        check(natsOptions_SetReconnectBufSize(opts, 1 << 30), "reconnect buffer");
        natsStatus s = natsConnection_Connect(&nc, opts);
        if (s != NATS_NOT_YET_CONNECTED) check(s, "connect");
        double start = now_ns();
        for (long i = 0; i < n; i++) check(natsConnection_Publish(nc, "bench.pub", payload, 16), "publish");
        double per = (now_ns() - start) / (double)n;
        if (best < 0 || per < best) best = per;
        natsConnection_Destroy(nc);
        natsOptions_Destroy(opts);
    }
    printf("c publish-cost n=%ld size=16 best_ns_per_publish=%.2f\n", n, best);
    return 0;
}

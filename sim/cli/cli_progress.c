/* cli_progress: the terminal progress line (see cli_progress.h). */
#include "cli/cli_progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLI_PROGRESS_NAME_BYTES 64
#define CLI_PROGRESS_PERIOD_NS 500000000L /* redraw every 0.5 s */
#define CLI_PROGRESS_DELAY_S 1.0          /* short runs show nothing */

struct cli_progress {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, drawn;
    const char *who;
    size_t layer_count, layer; /* layer: 1-based index of the running layer, 0 before the first */
    uint64_t total_macs, macs_before;
    char name[CLI_PROGRESS_NAME_BYTES];
    struct timespec start;
};

static double cli_progress_elapsed(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
}

static void *cli_progress_main(void *arg)
{
    cli_progress *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += CLI_PROGRESS_PERIOD_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!p->stop && pthread_cond_timedwait(&p->wake, &p->lock, &until) != ETIMEDOUT)
            ;
        double s = cli_progress_elapsed(&p->start);
        if (p->stop || s < CLI_PROGRESS_DELAY_S || !p->layer)
            continue;
        fprintf(stderr, "\r%s: layer %zu/%zu %s, %.0f%% of the MACs done, %.0f s\033[K", p->who,
                p->layer, p->layer_count, p->name,
                p->total_macs ? 100.0 * (double)p->macs_before / (double)p->total_macs : 0.0, s);
        fflush(stderr);
        p->drawn = true;
    }
    if (p->drawn) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

cli_progress *cli_progress_start(const char *who, size_t layer_count, uint64_t total_macs)
{
    if (!isatty(STDERR_FILENO))
        return NULL;
    cli_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, &ca);
    pthread_condattr_destroy(&ca);
    p->who = who;
    p->layer_count = layer_count;
    p->total_macs = total_macs;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    if (pthread_create(&p->thread, NULL, cli_progress_main, p)) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void cli_progress_layer(cli_progress *p, const char *name, uint64_t macs_before)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->layer++;
    p->macs_before = macs_before;
    snprintf(p->name, sizeof p->name, "%s", name);
    pthread_mutex_unlock(&p->lock);
}

void cli_progress_stop(cli_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

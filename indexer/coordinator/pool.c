/* Worker processes: start, watch, kill, replace (see pool.h).
 *
 * Workers are started with fork + exec of this program (its path read once
 * from /proc/self/exe), so a worker never
 * inherits the writer's open Xapian database, its locks or its memory.  The
 * socket is the worker's only link: when the indexer exits, the worker reads
 * EOF and exits too. */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

tg_status_t tg_pool_spawn(tg_pool_t *p, unsigned i, char *err, size_t errlen)
{
    tg_worker_slot_t *w = &p->w[i];
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        tg_errf(err, errlen, "socketpair: %s", strerror(errno));
        return TG_ERR_IO;
    }
    int ep[2];
    if (pipe2(ep, O_CLOEXEC)) {
        tg_errf(err, errlen, "pipe: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return TG_ERR_IO;
    }
    char fdarg[16], memarg[32];
    snprintf(fdarg, sizeof fdarg, "%d", sv[1]);
    snprintf(memarg, sizeof memarg, "%zu", p->mem_limit);
    pid_t pid = fork();
    if (pid < 0) {
        tg_errf(err, errlen, "fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        close(ep[0]);
        close(ep[1]);
        return TG_ERR_IO;
    }
    if (pid == 0) {
        /* child: keep only the worker's end of the socket open across exec */
        int flags = 0;
        if (dup2(sv[1], sv[1]) < 0 || (flags = fcntl(sv[1], F_GETFD)) < 0 ||
            fcntl(sv[1], F_SETFD, flags & ~FD_CLOEXEC) < 0)
            _exit(127);
        /* a worker has no business with the terminal: what libraries
         * print goes to the indexer, which files it with the job */
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            close(null);
        }
        dup2(ep[1], 2);
        signal(SIGINT, SIG_IGN); /* Ctrl-C is the indexer's to handle */
        execl(p->exe, "testigo-index", "--worker", fdarg, "--archive", p->archive, "--worker-mem",
              memarg, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    close(ep[1]);
    fcntl(ep[0], F_SETFL, O_NONBLOCK);
    w->pid = pid;
    w->fd = sv[0];
    w->errfd = ep[0];
    w->job = NULL;
    w->next = NULL;
    w->deadline = 0;
    w->waited = 0;
    return TG_OK;
}

tg_status_t tg_pool_new(unsigned n, const char *archive, size_t mem_limit, tg_pool_t **out,
                        char *err, size_t errlen)
{
    tg_pool_t *p = tg_xcalloc(1, sizeof *p);
    p->w = tg_xcalloc(n, sizeof *p->w);
    p->n = n;
    p->archive = tg_xstrdup(archive);
    p->mem_limit = mem_limit;
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len > 0) {
        self[len] = '\0';
        p->exe = tg_xstrdup(self);
    } else {
        p->exe = tg_xstrdup("/proc/self/exe");
    }
    for (unsigned i = 0; i < n; i++)
        p->w[i].fd = p->w[i].errfd = -1;
    for (unsigned i = 0; i < n; i++) {
        tg_status_t st = tg_pool_spawn(p, i, err, errlen);
        if (st) {
            tg_pool_free(p);
            *out = NULL;
            return st;
        }
    }
    *out = p;
    return TG_OK;
}

static void wait_for(pid_t pid, int *status)
{
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
}

void tg_pool_free(tg_pool_t *p)
{
    if (!p)
        return;
    for (unsigned i = 0; i < p->n; i++) {
        if (p->w[i].fd >= 0) {
            close(p->w[i].fd);
            close(p->w[i].errfd);
            /* a worker in the middle of a job would finish it first */
            if (p->w[i].job)
                kill(p->w[i].pid, SIGKILL);
            int status;
            wait_for(p->w[i].pid, &status);
        }
    }
    free(p->w);
    free(p->archive);
    free(p->exe);
    free(p);
}

static void restart(tg_pool_t *p, unsigned i)
{
    char err[256];
    close(p->w[i].errfd);
    p->w[i].errfd = -1;
    p->w[i].fd = -1;
    p->w[i].job = NULL;
    p->w[i].next = NULL; /* the coordinator has requeued it */
    p->w[i].deadline = 0;
    /* If even fork fails, the slot stays empty and the run goes on with
     * fewer workers; the coordinator gives up when none is left. */
    tg_pool_spawn(p, i, err, sizeof err);
}

void tg_pool_kill(tg_pool_t *p, unsigned i)
{
    tg_worker_slot_t *w = &p->w[i];
    if (w->fd < 0)
        return;
    kill(w->pid, SIGKILL);
    close(w->fd);
    int status;
    wait_for(w->pid, &status);
    restart(p, i);
}

void tg_pool_reap(tg_pool_t *p, unsigned i, char *how, size_t len)
{
    tg_worker_slot_t *w = &p->w[i];
    int status = 0;
    close(w->fd);
    wait_for(w->pid, &status);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU)
            tg_errf(how, len, "CPU time limit exceeded");
        else if (sig == SIGABRT || sig == SIGTRAP)
            tg_errf(how, len, "extractor aborted (%s), likely out of its %zu MB memory limit",
                    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", p->mem_limit >> 20);
        else
            tg_errf(how, len, "extractor crashed (SIG%s)",
                    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    } else if (WIFEXITED(status)) {
        tg_errf(how, len, "extractor exited unexpectedly (status %d)", WEXITSTATUS(status));
    } else {
        tg_errf(how, len, "extractor ended unexpectedly");
    }
    restart(p, i);
}

int tg_pool_drain_stderr(tg_pool_t *p, unsigned i, char *out, size_t *len, size_t cap)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(p->w[i].errfd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 1; /* EAGAIN: nothing more for now */
        if (n == 0)
            return 0;
        size_t room = cap - *len;
        size_t k = (size_t)n < room ? (size_t)n : room;
        memcpy(out + *len, buf, k);
        *len += k;
    }
}

size_t tg_pool_rss(const tg_pool_t *p, unsigned i)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)p->w[i].pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    unsigned long size, resident;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    if (n != 2)
        return 0;
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

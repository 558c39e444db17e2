/* The gate (see gate.h): one thread, one epoll set over the listening
 * socket and the connections whose first request head is still arriving,
 * and a table of every open connection, the HTTP library's included.
 *
 * Heads are read with MSG_PEEK, so the bytes stay queued for the HTTP
 * library; the sockets are edge-triggered, so a head that arrives in
 * pieces wakes the gate once per arrival, not again and again for bytes it
 * has already looked at.  Each look reads the head from its start (at most
 * WEB_HEAD_MAX bytes), and a head may take at most MAX_LOOKS arrivals: a
 * client that sends one byte at a time is a slowloris, not a browser.
 *
 * The table of connections is fixed at max_connections slots (and a few
 * spare ones for connections being closed) and shared with the HTTP
 * library's threads (web_gate_started, web_gate_request, web_gate_closed)
 * under one mutex.  A slot's generation tells an event for a closed
 * connection from one for the connection that took its slot since.  A
 * connection the library serves is closed by the gate with shutdown(),
 * never close(): the descriptor stays the library's, and it is still open
 * while its slot is, since the library reports a close (under the mutex)
 * before it closes the descriptor.
 *
 * Never blocks on a client: sockets are non-blocking, answers are a few
 * kilobytes written once, best effort, before closing. */
#define _GNU_SOURCE
#include "gate.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

#define MAX_LOOKS   64  /* arrivals for one head */
#define ROOM_GRACE  1.0 /* seconds a head may take before it can be closed for room */
#define TICK_MS     100 /* between deadline checks */
#define DRAIN_BYTES 65536
#define SPARE       16 /* slots for connections shut down, until the library closes them */
#define LISTEN_TAG  UINT64_MAX
#define WAKE_TAG    (UINT64_MAX - 1)

typedef enum {
    S_FREE,
    S_HEAD,    /* in the gate: the first request head arriving */
    S_HANDED,  /* handed over, the library has not reported it yet */
    S_BUSY,    /* the library is answering a request */
    S_IDLE,    /* the library waits for the next request (since `since`) */
    S_CLOSING, /* shut down by the gate, until the library closes it */
} slot_state_t;

typedef struct {
    slot_state_t state;
    int fd;
    uint32_t gen;
    unsigned looks;
    double since; /* accepted (S_HEAD), handed over (S_HANDED), answered (S_IDLE) */
    unsigned char key[16];
    struct sockaddr_storage addr;
    socklen_t addrlen;
} slot_t;

struct web_gate {
    web_gate_opts_t o;
    int listen_fd, ep, wake;
    int listening; /* listen_fd is in the epoll set */
    pthread_t thread;
    int running;
    pthread_mutex_t mu; /* guards slots */
    slot_t *slots;
    unsigned n_slots; /* max_connections + SPARE */
    char *peek;       /* WEB_HEAD_MAX + 1 bytes, the thread's */
};

/* The address a cap counts by: IPv4 (also mapped into IPv6) whole, IPv6
 * by its /64, which one subscriber usually holds entirely. */
static void addr_key(const struct sockaddr_storage *ss, unsigned char key[16])
{
    memset(key, 0, 16);
    if (ss->ss_family == AF_INET) {
        memcpy(key, &((const struct sockaddr_in *)ss)->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            memcpy(key, a->s6_addr + 12, 4);
        else
            memcpy(key + 4, a->s6_addr, 8), key[15] = 6;
    }
}

static uint64_t tag(const web_gate_t *g, const slot_t *s)
{
    return (uint64_t)s->gen << 32 | (uint64_t)(s - g->slots);
}

/* Sends a whole error answer (best effort), reads what the client already
 * sent (so closing does not reset the connection under the answer), and
 * closes.  Called with the mutex held. */
static void answer_close(web_gate_t *g, slot_t *s, int status, web_lang_t lang, int retry)
{
    (void)g;
    tg_buf_t a;
    tg_buf_init(&a, WEB_BODY_MAX);
    web_error_answer(&a, status, lang, retry);
    ssize_t w = send(s->fd, a.data, a.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    tg_buf_free(&a);
    char sink[4096];
    for (size_t n = 0; n < DRAIN_BYTES;) {
        ssize_t r = recv(s->fd, sink, sizeof sink, MSG_DONTWAIT);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    shutdown(s->fd, SHUT_WR);
    close(s->fd);
    s->state = S_FREE;
    s->fd = -1;
}

static void drop(slot_t *s)
{
    close(s->fd);
    s->state = S_FREE;
    s->fd = -1;
}

/* Looks at what arrived on s; hands it over, answers it, or waits.  Called
 * with the mutex held; releases it around the handover. */
static void look(web_gate_t *g, slot_t *s, int hangup)
{
    ssize_t n = recv(s->fd, g->peek, WEB_HEAD_MAX + 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        drop(s); /* gone before its head was whole */
        return;
    }
    if (n < 0)
        return;
    web_head_t h;
    web_head_state_t st = web_head_check(g->peek, (size_t)n, &h);
    if (st == WEB_HEAD_BAD) {
        answer_close(g, s, h.status, h.lang, 0);
        return;
    }
    if (st == WEB_HEAD_MORE) {
        if (hangup)
            drop(s); /* the client will send no more */
        else if (++s->looks > MAX_LOOKS)
            answer_close(g, s, 408, h.lang, 0);
        return;
    }
    epoll_ctl(g->ep, EPOLL_CTL_DEL, s->fd, NULL);
    s->state = S_HANDED;
    s->since = tg_now();
    int fd = s->fd;
    struct sockaddr_storage addr = s->addr;
    socklen_t len = s->addrlen;
    pthread_mutex_unlock(&g->mu);
    int taken = g->o.handover(g->o.ctx, fd, (const struct sockaddr *)&addr, len);
    pthread_mutex_lock(&g->mu);
    if (taken != 0 && s->state == S_HANDED && s->fd == fd) {
        s->state = S_FREE; /* the library closed it */
        s->fd = -1;
    }
}

/* Makes room for a new connection when every slot is taken: closes the
 * head that has been arriving the longest, else shuts down the connection
 * that has waited the longest for its next request (either over
 * ROOM_GRACE).  Returns a free slot, or NULL. */
static slot_t *make_room(web_gate_t *g, double now)
{
    slot_t *head = NULL, *idle = NULL, *free_slot = NULL;
    for (unsigned i = 0; i < g->n_slots; i++) {
        slot_t *s = &g->slots[i];
        if (s->state == S_FREE && !free_slot)
            free_slot = s;
        if (now - s->since <= ROOM_GRACE)
            continue;
        if (s->state == S_HEAD && (!head || s->since < head->since))
            head = s;
        if (s->state == S_IDLE && (!idle || s->since < idle->since))
            idle = s;
    }
    if (head) {
        answer_close(g, head, 408, WEB_LANG_ES, 0);
        return head;
    }
    if (idle && free_slot) {
        shutdown(idle->fd, SHUT_RDWR);
        idle->state = S_CLOSING;
        return free_slot;
    }
    return NULL;
}

static void refuse(int fd)
{
    tg_buf_t a;
    tg_buf_init(&a, WEB_BODY_MAX);
    web_error_answer(&a, 503, WEB_LANG_ES, 2);
    ssize_t w = send(fd, a.data, a.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    tg_buf_free(&a);
    close(fd);
}

static void accept_all(web_gate_t *g)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(g->listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK && g->listening) {
                /* out of descriptors or memory: pause accepting until the
                 * next tick, rather than spin on a listening socket that
                 * stays readable */
                epoll_ctl(g->ep, EPOLL_CTL_DEL, g->listen_fd, NULL);
                g->listening = 0;
            }
            return;
        }
        unsigned char key[16];
        addr_key(&ss, key);
        double now = tg_now();
        pthread_mutex_lock(&g->mu);
        slot_t *free_slot = NULL;
        unsigned same = 0, used = 0;
        for (unsigned i = 0; i < g->n_slots; i++) {
            slot_t *s = &g->slots[i];
            if (s->state == S_HANDED && s->fd == fd) {
                /* the library closed it without a word (it refused it):
                 * the descriptor is free again, so is the slot */
                s->state = S_FREE;
                s->fd = -1;
            }
            if (s->state == S_FREE) {
                if (!free_slot)
                    free_slot = s;
                continue;
            }
            if (s->state == S_CLOSING)
                continue;
            used++;
            if (!memcmp(s->key, key, 16))
                same++;
        }
        if (same >= g->o.max_per_address) {
            pthread_mutex_unlock(&g->mu);
            refuse(fd);
            continue;
        }
        if (used >= g->o.max_connections || !free_slot)
            free_slot = make_room(g, now);
        if (!free_slot) {
            pthread_mutex_unlock(&g->mu);
            refuse(fd);
            continue;
        }
        slot_t *s = free_slot;
        s->state = S_HEAD;
        s->fd = fd;
        s->gen++;
        s->looks = 0;
        s->since = now;
        memcpy(s->key, key, 16);
        s->addr = ss;
        s->addrlen = len;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u64 = tag(g, s)};
        if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev))
            drop(s);
        else
            look(g, s, 0); /* the head is often there already */
        pthread_mutex_unlock(&g->mu);
    }
}

/* First heads past their deadline get 408; connections the library keeps
 * waiting for a next request longer than a head may take are shut down;
 * handovers the library never reported starting are forgotten after a
 * while. */
static void tick(web_gate_t *g, double now)
{
    pthread_mutex_lock(&g->mu);
    for (unsigned i = 0; i < g->n_slots; i++) {
        slot_t *s = &g->slots[i];
        if (s->state == S_HEAD && now - s->since >= g->o.head_timeout) {
            answer_close(g, s, 408, WEB_LANG_ES, 0);
        } else if (s->state == S_IDLE && now - s->since >= g->o.head_timeout) {
            shutdown(s->fd, SHUT_RDWR);
            s->state = S_CLOSING;
        } else if (s->state == S_HANDED && now - s->since > 60) {
            s->state = S_FREE;
            s->fd = -1;
        }
    }
    pthread_mutex_unlock(&g->mu);
    if (!g->listening) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LISTEN_TAG};
        g->listening = epoll_ctl(g->ep, EPOLL_CTL_ADD, g->listen_fd, &ev) == 0;
    }
}

/* Wakes for connections and arrivals, and every TICK_MS for deadlines
 * (connections the library serves may be waiting for a next request). */
static void *gate_main(void *arg)
{
    web_gate_t *g = arg;
    struct epoll_event evs[64];
    double next_tick = tg_now() + TICK_MS / 1000.0;
    for (;;) {
        int wait = (int)((next_tick - tg_now()) * 1000) + 1;
        int n = epoll_wait(g->ep, evs, (int)TG_ARRAY_LEN(evs), wait < 1 ? 1 : wait);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            uint64_t t = evs[i].data.u64;
            if (t == WAKE_TAG)
                return NULL;
            if (t == LISTEN_TAG) {
                accept_all(g);
                continue;
            }
            pthread_mutex_lock(&g->mu);
            slot_t *s = &g->slots[(uint32_t)t];
            if (s->state == S_HEAD && s->gen == (uint32_t)(t >> 32))
                look(g, s, (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
            pthread_mutex_unlock(&g->mu);
        }
        double now = tg_now();
        if (now >= next_tick) {
            tick(g, now);
            next_tick = now + TICK_MS / 1000.0;
        }
    }
    return NULL;
}

tg_status_t web_gate_start(int listen_fd, const web_gate_opts_t *opts, web_gate_t **out, char *err,
                           size_t errlen)
{
    *out = NULL;
    web_gate_t *g = tg_xcalloc(1, sizeof *g);
    g->o = *opts;
    if (g->o.max_connections < 1)
        g->o.max_connections = 1;
    if (g->o.max_per_address < 1)
        g->o.max_per_address = 1;
    g->listen_fd = listen_fd;
    g->n_slots = g->o.max_connections + SPARE;
    g->slots = tg_xcalloc(g->n_slots, sizeof *g->slots);
    for (unsigned i = 0; i < g->n_slots; i++)
        g->slots[i].fd = -1;
    g->peek = tg_xcalloc(1, WEB_HEAD_MAX + 1);
    pthread_mutex_init(&g->mu, NULL);
    g->ep = epoll_create1(EPOLL_CLOEXEC);
    g->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int flags = fcntl(listen_fd, F_GETFL);
    if (flags >= 0)
        flags = fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK);
    struct epoll_event lev = {.events = EPOLLIN, .data.u64 = LISTEN_TAG};
    struct epoll_event wev = {.events = EPOLLIN, .data.u64 = WAKE_TAG};
    if (g->ep < 0 || g->wake < 0 || flags < 0 || epoll_ctl(g->ep, EPOLL_CTL_ADD, listen_fd, &lev) ||
        epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &wev)) {
        tg_errf(err, errlen, "cannot watch the listening socket: %s", strerror(errno));
        goto fail;
    }
    g->listening = 1;
    *out = g; /* before the first handover: the library's callbacks use it */
    if (pthread_create(&g->thread, NULL, gate_main, g)) {
        *out = NULL;
        tg_errf(err, errlen, "cannot start the connection thread");
        goto fail;
    }
    g->running = 1;
    return TG_OK;
fail:
    g->listen_fd = -1; /* still the caller's */
    web_gate_stop(g);
    web_gate_free(g);
    return TG_ERR_IO;
}

void *web_gate_started(web_gate_t *g, int fd)
{
    void *token = NULL;
    pthread_mutex_lock(&g->mu);
    for (unsigned i = 0; i < g->n_slots && !token; i++) {
        slot_t *s = &g->slots[i];
        if (s->state == S_HANDED && s->fd == fd) {
            s->state = S_BUSY; /* its head is there already */
            token = s;
        }
    }
    pthread_mutex_unlock(&g->mu);
    return token;
}

void web_gate_request(web_gate_t *g, void *token, int busy)
{
    if (!token)
        return;
    slot_t *s = token;
    pthread_mutex_lock(&g->mu);
    if (s->state == S_BUSY || s->state == S_IDLE) {
        s->state = busy ? S_BUSY : S_IDLE;
        if (!busy)
            s->since = tg_now();
    }
    pthread_mutex_unlock(&g->mu);
}

void web_gate_closed(web_gate_t *g, void *token)
{
    if (!token)
        return;
    slot_t *s = token;
    pthread_mutex_lock(&g->mu);
    if (s->state == S_BUSY || s->state == S_IDLE || s->state == S_CLOSING) {
        s->state = S_FREE;
        s->fd = -1;
    }
    pthread_mutex_unlock(&g->mu);
}

void web_gate_stop(web_gate_t *g)
{
    if (!g)
        return;
    if (g->running) {
        uint64_t one = 1;
        ssize_t w = write(g->wake, &one, sizeof one);
        (void)w;
        pthread_join(g->thread, NULL);
        g->running = 0;
    }
    pthread_mutex_lock(&g->mu);
    for (unsigned i = 0; i < g->n_slots; i++)
        if (g->slots[i].state == S_HEAD)
            drop(&g->slots[i]);
    pthread_mutex_unlock(&g->mu);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    g->listen_fd = -1;
    if (g->ep >= 0)
        close(g->ep);
    if (g->wake >= 0)
        close(g->wake);
    g->ep = g->wake = -1;
}

void web_gate_free(web_gate_t *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->mu);
    free(g->slots);
    free(g->peek);
    free(g);
}

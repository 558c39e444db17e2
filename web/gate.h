/* The gate of testigo-web: the thread that owns the listening socket and
 * every connection until its first request head has arrived whole, and
 * keeps count of each until it closes.
 *
 * libmicrohttpd reads a request head with an idle timeout that restarts on
 * every byte, answers malformed heads with bare pages of its own (no
 * Content-Type, none of the safety headers), waits for a line end before it
 * looks at a request line at all, and counts connections only in total.
 * So the gate comes first: it accepts, reads each connection's first
 * request head by peeking (the bytes stay in the socket for libmicrohttpd
 * to read again), checks it as it arrives (http.h: web_head_check), and
 *   - answers garbage and malformed heads at once with an error page of its
 *     own, carrying the safety headers, and closes;
 *   - gives the head an absolute deadline from the moment of accept (408
 *     and closed), which trickling bytes cannot push back;
 *   - caps connections per address (IPv6: per /64) and in all, counting
 *     those the HTTP library serves until it reports them closed;
 *   - keeps room for new clients: when every slot is taken, the head that
 *     has been arriving the longest, else the kept-alive connection that
 *     has waited the longest for a next request (over a second), is closed
 *     to let the new connection in;
 *   - hands each connection whose head is whole and valid to the HTTP
 *     library (handover).
 * Later requests on a kept-alive connection go to the library directly;
 * the gate still bounds the wait for each of them: a connection that has
 * not started a next request (web_gate_request) within the head deadline
 * of its last answer is shut down.
 *
 * Statuses: web_gate_start returns TG_ERR_IO (with a message) if its
 * thread or event queue cannot be created. */
#ifndef TG_WEB_GATE_H
#define TG_WEB_GATE_H

#include <sys/socket.h>

#include "status.h"

typedef struct web_gate web_gate_t;

typedef struct {
    unsigned max_connections; /* open at once, in the gate or handed over */
    unsigned max_per_address; /* of those, from one address */
    double head_timeout;      /* seconds from accept to a whole request head */
    /* Takes the connection fd, whose head is whole and valid.  Returns 0
     * if taken (the gate counts it until web_gate_closed), -1 if not (fd
     * is closed by then). */
    int (*handover)(void *ctx, int fd, const struct sockaddr *addr, socklen_t len);
    void *ctx;
} web_gate_opts_t;

/* Starts the gate's thread on listen_fd (listening, any blocking mode;
 * the gate owns it from now on and closes it at web_gate_stop). */
tg_status_t web_gate_start(int listen_fd, const web_gate_opts_t *opts, web_gate_t **out, char *err,
                           size_t errlen);
/* The HTTP library started serving the connection handed over on fd:
 * returns the token to give web_gate_closed (NULL if fd is not one the gate
 * handed over). */
void *web_gate_started(web_gate_t *g, int fd);
/* The HTTP library began answering a request on the connection (busy), or
 * finished one and waits for the next (!busy).  NULL token is ignored. */
void web_gate_request(web_gate_t *g, void *token, int busy);
/* The HTTP library closed a connection (token from web_gate_started; NULL
 * is ignored); must be called before fd is closed. */
void web_gate_closed(web_gate_t *g, void *token);
/* Stops the thread: no more accepts nor handovers; closes the connections
 * still in the gate and the listening socket (NULL is fine).  Connections
 * handed over are the HTTP library's to close, and may still be reported
 * closed until web_gate_free. */
void web_gate_stop(web_gate_t *g);
/* Frees a stopped gate (NULL is fine). */
void web_gate_free(web_gate_t *g);

#endif

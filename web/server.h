/* The HTTP server of testigo-web, over libmicrohttpd (the only file that
 * includes it).  Statuses: web_server_start returns TG_ERR_IO (with a
 * message in err) if the address cannot be bound. */
#ifndef TG_WEB_SERVER_H
#define TG_WEB_SERVER_H

#include <sys/socket.h>

#include "status.h"
#include "web.h"

typedef struct web_server web_server_t;

/* Starts serving cfg->archive on addr, with cfg's limits, in background
 * threads.  cfg must outlive the server; cfg->base_url is filled in with
 * the address actually bound (port 0 becomes the port the system chose),
 * and *port gets that port. */
tg_status_t web_server_start(web_config_t *cfg, const struct sockaddr *addr, socklen_t addrlen,
                             int access_log, web_server_t **out, unsigned *port, char *err,
                             size_t errlen);
/* Stops accepting, finishes or drops the connections, and frees the server;
 * accepts NULL. */
void web_server_stop(web_server_t *s);

#endif

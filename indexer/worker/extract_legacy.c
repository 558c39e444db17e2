/* Legacy Word documents (.doc, Word 97-2003 and older) and RTF, through
 * catdoc, Debian's package of the same name.
 *
 * Why catdoc: it reads both formats, writes UTF-8 (-d utf-8) without
 * wrapping lines (-w), and is in Debian with its security fixes.  antiword
 * was tried and refuses small documents ("the text stream of this file is
 * too small to handle"), as LibreOffice writes them; unrtf writes Latin-1
 * with header lines of its own.  No C library for .doc is packaged in
 * Debian 12 (libwv is gone).  catdoc does not honour RTF's \ucN when the
 * fallback after \uN is a literal character (`\u241?`) and then keeps the
 * "?"; Word and LibreOffice write hex fallbacks (`\u241\'f1`), which it
 * reads right; and it runs the cells of an RTF table together ("uno" and
 * "dos" become "unodos"; .doc tables come out with tabs).  Neither
 * format's metadata is read: the document date comes from the text
 * (docbuild.c).
 *
 * How it runs: the worker forks and executes /usr/bin/catdoc directly with
 * a fixed argument list (never a shell), on the stored copy's path, which
 * is a SHA-256 path under the archive: nothing the document contains
 * reaches a command line.  The child inherits the worker's resource limits
 * (memory, CPU), gets a minimal environment, /dev/null as input, no other
 * open descriptor, and dies with the worker (PR_SET_PDEATHSIG); it is
 * killed after lim->timeout seconds.  Its output is read up to max_text
 * bytes (then it is killed and the text marked truncated); what it prints
 * on stderr becomes a warning. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extract.h"
#include "text.h"
#include "util.h"

#define CATDOC "/usr/bin/catdoc"
/* stderr kept from the tool */
#define ERR_CAP 2048

/* In the child, after fork: becomes catdoc or exits 127. */
static void run_child(int out, int errfd, const char *path)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
        _exit(127);
        /* no descriptor of the worker's (its socket) goes with it */
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    /* execve takes char *const[]; the strings are never written */
    static char a0[] = "catdoc", a1[] = "-w", a2[] = "-d", a3[] = "utf-8";
    static char e0[] = "PATH=/usr/bin:/bin", e1[] = "LC_ALL=C.UTF-8";
    char *const argv[] = {a0, a1, a2, a3, (char *)path, NULL};
    char *const envp[] = {e0, e1, NULL};
    if (chdir("/") != 0)
        _exit(127);
    execve(CATDOC, argv, envp);
    _exit(127);
}

tg_status_t tg_extract_legacy(const char *path, const char *mime, const tg_extract_limits_t *lim,
                              tg_extract_t *x, char *err, size_t errlen)
{
    const char *what = strstr(mime, "rtf") ? "RTF document" : "Word document";
    if (access(CATDOC, X_OK) != 0) {
        tg_errf(err, errlen,
                "%ss are read by catdoc, which is not installed (Debian package catdoc)", what);
        return TG_ERR_UNSUPPORTED;
    }
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) != 0)
        goto io;
    if (pipe2(pe, O_CLOEXEC) != 0) {
        close(po[0]);
        close(po[1]);
        goto io;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        goto io;
    }
    if (pid == 0)
        run_child(po[1], pe[1], path);
    close(po[1]);
    close(pe[1]);

    tg_buf_t out, errs;
    tg_buf_init(&out, lim->max_text);
    tg_buf_init(&errs, ERR_CAP);
    double deadline = tg_now() + (lim->timeout > 0 ? lim->timeout : 60);
    int truncated = 0, timed_out = 0;
    struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    char buf[65536];
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        double left = deadline - tg_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        int r = poll(p, 2, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(p[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
                continue;
            }
            tg_buf_t *b = i == 0 ? &out : &errs;
            if (tg_buf_add(b, buf, (size_t)n)) {
                tg_buf_add(b, buf, b->max - b->len);
                if (i == 0) {
                    truncated = 1;
                    close(p[0].fd);
                    p[0].fd = -1;
                }
            }
        }
        if (truncated)
            break;
    }
    for (int i = 0; i < 2; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    if (timed_out || truncated)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;

    tg_status_t st = TG_OK;
    char said[ERR_CAP + 1];
    size_t sl = errs.len;
    memcpy(said, errs.data ? errs.data : "", sl);
    said[sl] = '\0';
    while (sl > 0 && (said[sl - 1] == '\n' || said[sl - 1] == ' '))
        said[--sl] = '\0';
    for (char *c = said; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    char *clean = tg_utf8_clean(said, sl);
    if (timed_out) {
        tg_errf(err, errlen, "catdoc took longer than %g s on this %s", lim->timeout, what);
        st = TG_ERR_TIMEOUT;
    } else if (!truncated && WIFSIGNALED(status)) {
        tg_errf(err, errlen, "catdoc died (signal %d) on this %s%s%s", WTERMSIG(status), what,
                *clean ? ": " : "", clean);
        st = TG_ERR_FORMAT;
    } else if (!truncated && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        tg_errf(err, errlen, "not a readable %s: catdoc: %s", what,
                *clean ? clean : "failed without saying why");
        st = TG_ERR_FORMAT;
    } else {
        tg_decode_info_t info = {0};
        tg_text_append_utf8(out.data ? out.data : "", out.len, &x->text, &info);
        /* catdoc ends paragraphs with blank lines and pads with spaces */
        while (x->text.len > 0 &&
               (x->text.data[x->text.len - 1] == '\n' || x->text.data[x->text.len - 1] == ' '))
            x->text.data[--x->text.len] = '\0';
        if (truncated || info.truncated)
            tg_extract_warn(x, "text truncated: only the first %zu MB are indexed",
                            lim->max_text >> 20);
        if (info.replaced)
            tg_extract_warn(x, "%zu invalid byte sequences in the %s's text replaced",
                            info.replaced, what);
        if (*clean)
            tg_extract_warn(x, "catdoc: %s", clean);
    }
    free(clean);
    tg_buf_free(&out);
    tg_buf_free(&errs);
    return st;
io:
    tg_errf(err, errlen, "cannot run catdoc: %s", strerror(errno));
    return TG_ERR_IO;
}

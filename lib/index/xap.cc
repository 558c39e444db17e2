/* The Xapian wrapper (see xap.h): the only C++ in Testigo.
 *
 * Every entry point runs its body inside try / catch (...) so that no
 * exception reaches C, and every catch hands what was thrown to one
 * function, caught(): a Xapian::Error becomes its status (status_of) and
 * its message (type, message, context), std::bad_alloc alone aborts like
 * every other allocation failure, and any other exception is TG_ERR_XAPIAN
 * with its what().  The message goes on the handle the call was made on
 * (tg_db_t, tg_doc_t, tg_mset_t: each keeps the last one), or into the
 * caller's buffer for the calls that make a handle; it is never dropped.
 * The handles are thin structs holding the Xapian objects by value;
 * Xapian's own objects are reference counted, so copies are cheap.
 *
 * It relies on Xapian 1.4 (Debian 12: 1.4.22) and its glass backend. */
#include "xap.h"

#include <xapian.h>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <algorithm>
#include <cstdint>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

extern "C" [[noreturn]] void tg_oom(void);

struct Behind; /* a writer's thread, when it writes behind (below) */

struct tg_db {
    Xapian::Database *rd;         /* always set: the database to read */
    Xapian::WritableDatabase *wr; /* set for writers; rd points to it */
    Behind *behind;               /* TG_DB_WRITE_BEHIND: wr belongs to its thread */
    std::string err;
};

struct PendingTerms; /* terms added, not yet in doc (below) */

struct tg_doc {
    Xapian::Document doc;
    std::string err;
    size_t bytes = 0;             /* its size as a worker sent it, if it came so */
    PendingTerms *pend = nullptr; /* terms added since doc last held them all */
    ~tg_doc();
};

struct tg_query {
    Xapian::Query q;
};

struct tg_stemmer {
    Xapian::Stem stem;
};

namespace
{
class TermPrefixSpy;
}

struct tg_mset {
    Xapian::Database db;
    Xapian::Enquire *enq;
    Xapian::MSet ms;
    std::vector<std::pair<unsigned, Xapian::ValueCountMatchSpy *>> spies;
    std::vector<TermPrefixSpy *> term_spies;
    std::string err;
};

namespace
{

/* Counts, over the documents the match looks at, the terms under one prefix
 * (Xapian's ValueCountMatchSpy does the same for a value slot).  A document
 * may hold several such terms (several persons), which a value slot cannot
 * express.  Bounded: at most max_docs documents are read, at most max_values
 * distinct terms kept (later new ones are not counted). */
class TermPrefixSpy : public Xapian::MatchSpy
{
  public:
    TermPrefixSpy(const std::string &prefix, unsigned max_docs, size_t max_values)
        : prefix_(prefix), max_docs_(max_docs), max_values_(max_values)
    {
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        if (docs_ >= max_docs_)
            return;
        docs_++;
        Xapian::TermIterator t = doc.termlist_begin();
        t.skip_to(prefix_);
        for (; t != doc.termlist_end(); ++t) {
            const std::string &term = *t;
            if (term.compare(0, prefix_.size(), prefix_) != 0)
                break;
            std::string v = term.substr(prefix_.size());
            /* Omega's rule: a capital after the prefix is a longer prefix
             * (XTO after XT), not a value of this one */
            if (!v.empty() && v[0] >= 'A' && v[0] <= 'Z')
                continue;
            auto it = counts_.find(v);
            if (it != counts_.end())
                it->second++;
            else if (counts_.size() < max_values_)
                counts_.emplace(std::move(v), 1);
        }
    }
    const std::string &prefix() const
    {
        return prefix_;
    }
    const std::map<std::string, unsigned> &counts() const
    {
        return counts_;
    }
    unsigned docs() const
    {
        return docs_;
    }

  private:
    std::string prefix_;
    unsigned max_docs_;
    size_t max_values_;
    unsigned docs_ = 0;
    std::map<std::string, unsigned> counts_;
};

/* Relevance: BM25 (Okapi), with each term's wdf counted at most WDF_CAP
 * times.  Xapian's BM25Weight lets a word repeated a million times reach
 * the full weight of a term, since wdf / (K + wdf) tends to 1 however long
 * the document: a file of "preso político Caracas" over and over would
 * come first for preso.  With the cap, repetitions past a few dozen add
 * nothing (BM25 had all but saturated there for a real text: with k1 =
 * 1.2, wdf 20 already gives 94% of the most a term can), and length
 * normalisation (b = 0.75, Okapi's; Xapian's default is 0.5) then weighs
 * what is left against the stuffed file's length.  (Capping at the
 * document's distinct terms was tried: UNIQUE_TERMS reads every candidate's
 * term list, and made a common word's search 10 times slower.)  idf =
 * log(1 + (N - n + 0.5) / (n + 0.5)), never negative. */
class CappedBM25 : public Xapian::Weight
{
  public:
    CappedBM25()
    {
        need_stat(TERMFREQ);
        need_stat(COLLECTION_SIZE);
        need_stat(AVERAGE_LENGTH);
        need_stat(DOC_LENGTH);
        need_stat(WDF);
    }
    void init(double factor) override
    {
        double n = get_termfreq(), N = get_collection_size();
        idf_ = factor * std::log(1.0 + (N - n + 0.5) / (n + 0.5));
        if (idf_ < 0)
            idf_ = 0;
        avg_ = get_average_length() > 0 ? get_average_length() : 1;
    }
    std::string name() const override
    {
        return "testigo.CappedBM25";
    }
    Weight *clone() const override
    {
        return new CappedBM25();
    }
    std::string serialise() const override
    {
        return std::string();
    }
    Weight *unserialise(const std::string &) const override
    {
        return new CappedBM25();
    }
    double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen,
                       Xapian::termcount) const override
    {
        if (wdf == 0 || idf_ == 0)
            return 0;
        double f = wdf < WDF_CAP ? wdf : WDF_CAP;
        double k = K1 * ((1 - B) + B * (double)doclen / avg_);
        return idf_ * f * (K1 + 1) / (k + f);
    }
    double get_maxpart() const override
    {
        return idf_ * (K1 + 1);
    }
    double get_sumextra(Xapian::termcount, Xapian::termcount) const override
    {
        return 0;
    }
    double get_maxextra() const override
    {
        return 0;
    }

  private:
    static constexpr double K1 = 1.2, B = 0.75, WDF_CAP = 20;
    double idf_ = 0, avg_ = 1;
};

/* Thrown by DeadlineDecider when a search runs past its time budget. */
struct DeadlineReached {
};

/* Stops a match that runs past its deadline.  Xapian 1.4's
 * Enquire::set_time_limit only relaxes check_at_least, so a match sorted by
 * value, or a huge OR, still visits every candidate; throwing out of the
 * decider is the one way to bound it.  The clock is read every 256 calls. */
class DeadlineDecider : public Xapian::MatchDecider
{
  public:
    explicit DeadlineDecider(double deadline) : deadline_(deadline)
    {
    }
    bool operator()(const Xapian::Document &) const override
    {
        if ((++calls_ & 255) == 0 && now() > deadline_)
            throw DeadlineReached();
        return true;
    }
    static double now()
    {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    }

  private:
    double deadline_;
    mutable unsigned long calls_ = 0;
};

void set_err(char *buf, size_t len, const std::string &msg)
{
    if (buf && len) {
        std::snprintf(buf, len, "%s", msg.c_str());
    }
}

std::string describe(const Xapian::Error &e)
{
    std::string s = e.get_type();
    s += ": ";
    s += e.get_msg();
    if (!e.get_context().empty()) {
        s += " (";
        s += e.get_context();
        s += ")";
    }
    return s;
}

/* Xapian::Error has no virtual functions, so its class is told by name.
 * DatabaseModifiedError has a status of its own: it is the one error a
 * reader recovers from (reopen, read again), and callers retry exactly it. */
tg_status_t status_of(const Xapian::Error &e)
{
    static const struct {
        const char *type;
        tg_status_t st;
    } map[] = {
        {"DatabaseLockError", TG_ERR_LOCKED},       {"DatabaseOpeningError", TG_ERR_NOTFOUND},
        {"DatabaseNotFoundError", TG_ERR_NOTFOUND}, {"DocNotFoundError", TG_ERR_NOTFOUND},
        {"DatabaseCorruptError", TG_ERR_CORRUPT},   {"DatabaseVersionError", TG_ERR_CORRUPT},
        {"SerialisationError", TG_ERR_CORRUPT},     {"WildcardError", TG_ERR_QUERY},
        {"QueryParserError", TG_ERR_QUERY},         {"InvalidArgumentError", TG_ERR_INVALID},
        {"DatabaseModifiedError", TG_ERR_MODIFIED},
    };
    for (const auto &m : map)
        if (std::strcmp(e.get_type(), m.type) == 0)
            return m.st;
    return TG_ERR_XAPIAN;
}

/* Called only from inside a catch block: what is being handled, as a
 * status, with its message in msg.  Out of memory aborts here. */
tg_status_t caught(std::string &msg)
{
    try {
        throw;
    } catch (const Xapian::Error &e) {
        msg = describe(e);
        return status_of(e);
    } catch (const std::bad_alloc &) {
        tg_oom();
    } catch (const std::exception &e) {
        msg = e.what();
    } catch (...) {
        msg = "unknown C++ exception (not a std::exception)";
    }
    return TG_ERR_XAPIAN;
}

/* The same, with the message written into a caller's buffer. */
tg_status_t caught_into(char *buf, size_t len)
{
    std::string msg;
    tg_status_t st = caught(msg);
    set_err(buf, len, msg);
    return st;
}

/* For calls that cannot fail short of running out of memory (building a
 * query, stemming a word): anything else thrown is a bug in Testigo (an
 * invalid query shape), and stops the program with its message rather than
 * pass for success.  Called only from inside a catch block. */
[[noreturn]] void internal_error(void)
{
    std::string msg;
    caught(msg);
    std::fprintf(stderr, "testigo: internal error: %s\n", msg.c_str());
    std::abort();
}

} // namespace

static char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        tg_oom();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

/* ==== Terms added, kept aside ============================================= */

/* A worker adds some 600 postings and terms to each document (words,
 * stems, positions) and then only serialises it; each add into
 * Xapian::Document builds a std::string and looks the term up in a
 * std::map, some 900 instructions a posting, and serialising walks the map
 * again: about a fifth of a worker's instructions on small text files.
 * So tg_doc_add_posting and tg_doc_add_term only record the add here: the
 * term is interned once, in a hash table of the document's own, and keeps
 * the sum of its wdf increments and its positions (4 bytes each, as in
 * Xapian: a text of 7.8M one-letter words takes no more memory than it
 * did).  Then:
 *
 * - tg_doc_serialise of a document whose terms are all here writes them
 *   straight from this record: each term with its wdf and its positions in
 *   order, once each, in the byte order of the terms, as Xapian would
 *   (tests/unit/test_xap.c checks the bytes against the same adds made
 *   into Xapian one by one, over random adds);
 * - any other use of the terms (has_term, each_term, remove_term, a
 *   database write) first makes the recorded adds into the Xapian document
 *   (settle): the document is then what it always was. */

struct PendingTerms {
    struct Term {
        uint32_t off, len; /* in names */
        uint32_t hash;
        bool unsorted;             /* a position came after a greater one */
        unsigned long long wdf;    /* the increments' sum */
        std::vector<uint32_t> pos; /* as added */
    };
    std::string names;          /* the terms' bytes, one after the other */
    std::vector<Term> terms;    /* in order of first add */
    std::vector<uint32_t> slot; /* open addressing: term index + 1, 0 empty */

    static uint32_t hash_of(const char *p, size_t n)
    {
        uint32_t h = 2166136261u; /* FNV-1a */
        for (size_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)p[i]) * 16777619u;
        return h;
    }

    uint32_t intern(const char *p, size_t n)
    {
        if (slot.size() < 2 * (terms.size() + 1)) {
            std::vector<uint32_t> bigger(slot.empty() ? 1024 : 2 * slot.size(), 0);
            for (uint32_t i = 0; i < terms.size(); i++) {
                size_t k = terms[i].hash & (bigger.size() - 1);
                while (bigger[k])
                    k = (k + 1) & (bigger.size() - 1);
                bigger[k] = i + 1;
            }
            slot.swap(bigger);
        }
        uint32_t h = hash_of(p, n);
        size_t k = h & (slot.size() - 1);
        for (; slot[k]; k = (k + 1) & (slot.size() - 1)) {
            const Term &t = terms[slot[k] - 1];
            if (t.hash == h && t.len == n && !memcmp(names.data() + t.off, p, n))
                return slot[k] - 1;
        }
        if (names.size() + n > UINT32_MAX || terms.size() >= UINT32_MAX - 1)
            throw std::bad_alloc();
        terms.push_back(Term{(uint32_t)names.size(), (uint32_t)n, h, false, 0, {}});
        names.append(p, n);
        slot[k] = (uint32_t)terms.size();
        return (uint32_t)terms.size() - 1;
    }

    void add(const char *p, size_t n, uint32_t v, bool posting)
    {
        Term &t = terms[intern(p, n)];
        if (!posting) {
            t.wdf += v;
            return;
        }
        t.wdf++;
        if (!t.pos.empty() && v <= t.pos.back())
            t.unsorted = true;
        t.pos.push_back(v);
    }

    /* t's positions in order, once each */
    static void order(Term &t)
    {
        if (t.unsorted) {
            std::sort(t.pos.begin(), t.pos.end());
            t.pos.erase(std::unique(t.pos.begin(), t.pos.end()), t.pos.end());
            t.unsorted = false;
        }
    }

    std::string name(const Term &t) const
    {
        return names.substr(t.off, t.len);
    }
};

tg_doc::~tg_doc()
{
    delete pend;
}

/* Makes the adds recorded for doc into its Xapian document.  What a
 * document holds after adds does not depend on their order (a term's wdf
 * is the sum of its increments, its positions a set), so each term goes in
 * at once: its first posting with its whole wdf, as get_doc does. */
static void settle(tg_doc_t *doc)
{
    PendingTerms *p = doc->pend;
    if (!p)
        return;
    for (PendingTerms::Term &t : p->terms) {
        PendingTerms::order(t);
        std::string name = p->name(t);
        /* Xapian keeps a termcount: the sum wraps as Xapian's would */
        Xapian::termcount wdf = (Xapian::termcount)t.wdf;
        if (t.pos.empty()) {
            doc->doc.add_term(name, wdf);
            continue;
        }
        for (size_t k = 0; k < t.pos.size(); k++)
            doc->doc.add_posting(name, t.pos[k], k == 0 ? wdf : 0);
    }
    delete p;
    doc->pend = nullptr;
}

static void put_uint(std::string &out, unsigned long long v);

/* The terms part of put_doc's layout (below), from the adds recorded for a
 * document that holds no terms itself. */
static void put_pending(std::string &out, PendingTerms &p)
{
    std::vector<uint32_t> order(p.terms.size());
    for (uint32_t i = 0; i < order.size(); i++)
        order[i] = i;
    const char *names = p.names.data();
    std::sort(order.begin(), order.end(), [&p, names](uint32_t a, uint32_t b) {
        const PendingTerms::Term &x = p.terms[a], &y = p.terms[b];
        int c = memcmp(names + x.off, names + y.off, x.len < y.len ? x.len : y.len);
        return c ? c < 0 : x.len < y.len;
    });
    put_uint(out, p.terms.size());
    for (uint32_t i : order) {
        PendingTerms::Term &t = p.terms[i];
        PendingTerms::order(t);
        put_uint(out, t.len);
        out.append(names + t.off, t.len);
        put_uint(out, (Xapian::termcount)t.wdf);
        put_uint(out, t.pos.size());
        uint32_t prev = 0;
        for (uint32_t q : t.pos) {
            put_uint(out, q - prev);
            prev = q;
        }
    }
}

/* ==== Writing behind ===================================================== */

/* A writer opened with TG_DB_WRITE_BEHIND hands its writes (documents
 * replaced or deleted, metadata set, commits) to a thread of its own, which
 * makes them on the WritableDatabase in the order they were made, while
 * the caller goes on: Xapian's work on each document (most of the
 * indexer's coordinator) then overlaps with the caller's, commits
 * included (tg_db_commit_start).
 *
 * Reads must still see every write made before them.  The reads the
 * indexer makes for each file go to a second handle, a reader at a past
 * commit, through what was written since it: the metadata set since
 * (Behind::meta, "" for deleted) and the unique terms of the documents
 * replaced or deleted since (Behind::terms), each kept until the commit
 * that holds it is done and the reader moved to it.  A key not set since,
 * a document whose term was not written since, is as the reader has it.
 * Every other read (tg_db_find, tg_db_get, counts, terms, positions, and a
 * document whose term was written since) first waits until the thread has
 * made every write handed to it, then reads the writer itself.
 *
 * The reader stays readable: Xapian only ever overwrites blocks of
 * revisions older than the last commit.  Once a commit is done the thread
 * writes on, so a reader still one commit behind may find its blocks
 * reused; Xapian tells (DatabaseModifiedError), and the reader is moved to
 * the last commit and reads again (read_committed), which is right since
 * what was written since it is still kept here.
 *
 * Threads.  The writer (Xapian objects are not thread-safe) is used by the
 * thread, and by the caller only while the thread is idle with nothing
 * queued (Behind::mu gives the order); the reader, meta and terms only by
 * the caller.  A document handed over is moved out of the caller's handle,
 * so that no Xapian reference count is ever shared between threads, and a
 * document read from either database is handed out as a copy in memory
 * (detached), never one that reads its database lazily.
 *
 * Errors.  The first write that fails stops the thread's work: its message
 * is kept, every later call on the handle returns it (the write it names
 * may be one the caller made several calls before), and no commit follows
 * it, so what the last commit holds is all that is durable, as when a
 * synchronous writer fails and the caller stops. */

struct BehindOp {
    enum Kind { REPLACE, DELETE, META, COMMIT } kind;
    std::string key;   /* unique term, or metadata key */
    std::string value; /* metadata value */
    Xapian::Document doc;
    size_t bytes; /* what doc weighs, about */
};

/* Documents waiting for the thread at most, and their weight (as workers
 * send them; a document of a long text's terms and positions is large):
 * enough for the caller to go on while the thread commits a batch, no
 * more. */
static const size_t BEHIND_MAX_DOCS = 512;
static const size_t BEHIND_MAX_BYTES = (size_t)16 << 20;
/* The thread, when idle, is woken for this many writes at once (or for a
 * commit, or when the caller waits for it): waking it for each costs two
 * system calls and two switches of the CPU, more than a small write. */
static const size_t BEHIND_WAKE_OPS = 24;

struct Behind {
    /* the caller's */
    Xapian::Database *reader = nullptr; /* at a past commit */
    unsigned long batch = 1;            /* writes since the last tg_db_commit_start */
    unsigned long in_flight = 0;        /* the batch being committed, 0 if none */
    /* written since the reader's commit, with their batch */
    std::map<std::string, std::pair<std::string, unsigned long>> meta;
    std::map<std::string, unsigned long> terms;

    /* shared, under mu */
    std::mutex mu;
    std::condition_variable work, done; /* ops queued; an op done */
    std::deque<BehindOp> queue;
    size_t docs = 0;     /* REPLACE ops in queue */
    size_t bytes = 0;    /* and their weight */
    bool busy = false;   /* the thread holds an op */
    bool idle = false;   /* the thread waits for work */
    bool urgent = false; /* the caller waits for the thread */
    bool stop = false;
    unsigned long commits = 0; /* COMMIT ops made */
    /* documents written, for the caller to free: memory goes back to the
     * thread that took it (freeing another thread's chunks made glibc's
     * malloc sweep its fast bins far more often) */
    std::vector<Xapian::Document> spent;
    tg_status_t failed = TG_OK; /* the first failure, sticky */
    std::string fail_msg;
    std::thread thread;
    /* readable once a commit is done or the thread has failed, so that the
     * caller, asleep in poll, learns at once (tg_db_commit_fd) */
    int done_fd = -1;

    ~Behind() /* the thread joined, or never started */
    {
        if (done_fd >= 0)
            close(done_fd);
        delete reader;
    }
};

/* Under mu: done_fd made readable (by the thread), or emptied (by the
 * caller, when it has seen what made it readable). */
static void done_fd_post(Behind *b)
{
    uint64_t one = 1;
    if (b->done_fd >= 0 && write(b->done_fd, &one, sizeof one) < 0) {
        /* full or closed: readable already, or nobody to tell */
    }
}

static void done_fd_take(Behind *b)
{
    uint64_t n;
    if (b->done_fd >= 0 && read(b->done_fd, &n, sizeof n) < 0) {
        /* EAGAIN: nothing posted */
    }
}

/* Whether the idle thread is to start on the queue (under mu). */
static bool behind_wake(const Behind *b)
{
    return b->stop || (!b->queue.empty() && (b->urgent || b->queue.size() >= BEHIND_WAKE_OPS ||
                                             b->queue.back().kind == BehindOp::COMMIT));
}

static void behind_run(tg_db_t *db)
{
    Behind *b = db->behind;
    std::unique_lock<std::mutex> lk(b->mu);
    for (;;) {
        if (b->queue.empty()) {
            b->idle = true;
            b->work.wait(lk, [b] { return behind_wake(b); });
            b->idle = false;
        }
        if (b->queue.empty())
            return; /* stopped with nothing left */
        BehindOp op = std::move(b->queue.front());
        b->queue.pop_front();
        if (op.kind == BehindOp::REPLACE) {
            b->docs--;
            b->bytes -= op.bytes;
        }
        b->busy = true;
        bool skip = b->failed != TG_OK;
        lk.unlock();
        std::string msg;
        tg_status_t st = TG_OK;
        if (!skip) {
            try {
                switch (op.kind) {
                case BehindOp::REPLACE:
                    db->wr->replace_document(op.key, op.doc);
                    break;
                case BehindOp::DELETE:
                    db->wr->delete_document(op.key);
                    break;
                case BehindOp::META:
                    db->wr->set_metadata(op.key, op.value);
                    break;
                case BehindOp::COMMIT:
                    db->wr->commit_transaction();
                    db->wr->begin_transaction(true);
                    break;
                }
            } catch (...) {
                st = caught(msg);
            }
        }
        lk.lock();
        if (op.kind == BehindOp::REPLACE)
            b->spent.push_back(std::move(op.doc));
        if (st != TG_OK && b->failed == TG_OK) {
            static const char *const what[] = {"writing a document", "deleting a document",
                                               "setting metadata", "committing"};
            b->failed = st;
            b->fail_msg = std::string(what[op.kind]) + ": " + msg;
            done_fd_post(b);
        }
        if (op.kind == BehindOp::COMMIT && st == TG_OK && !skip) {
            b->commits++;
            done_fd_post(b);
        }
        b->busy = false;
        b->done.notify_all();
    }
}

/* The caller waits for the thread (under mu) until pred holds: the thread
 * is woken if idle, whatever the queue holds. */
template <class P> static void behind_wait(Behind *b, std::unique_lock<std::mutex> &lk, P pred)
{
    b->urgent = true;
    if (b->idle)
        b->work.notify_one();
    b->done.wait(lk, pred);
    b->urgent = false;
}

/* Hands op to the thread (waiting for room if documents are queued to
 * the limit; one is always let in); the thread's failure instead if it
 * has failed. */
static tg_status_t behind_put(tg_db_t *db, BehindOp &&op)
{
    Behind *b = db->behind;
    std::vector<Xapian::Document> spent; /* freed last, after the unlock */
    std::unique_lock<std::mutex> lk(b->mu);
    spent.swap(b->spent);
    auto room = [b, &op] {
        return b->docs == 0 || b->failed != TG_OK ||
               (b->docs < BEHIND_MAX_DOCS && b->bytes + op.bytes <= BEHIND_MAX_BYTES);
    };
    if (op.kind == BehindOp::REPLACE && !room())
        behind_wait(b, lk, room);
    if (b->failed != TG_OK) {
        db->err = b->fail_msg;
        return b->failed;
    }
    if (op.kind == BehindOp::REPLACE) {
        b->docs++;
        b->bytes += op.bytes;
    }
    b->queue.push_back(std::move(op));
    if (b->idle && behind_wake(b))
        b->work.notify_one();
    return TG_OK;
}

/* Waits until the thread has made every write handed to it: the caller may
 * then use the writer until it hands over the next one. */
static tg_status_t behind_drain(tg_db_t *db)
{
    Behind *b = db->behind;
    std::unique_lock<std::mutex> lk(b->mu);
    behind_wait(b, lk, [b] { return b->queue.empty() && !b->busy; });
    if (b->failed != TG_OK)
        db->err = b->fail_msg;
    return b->failed;
}

/* The commit in flight, if any: done (or, if wait, once done) the reader
 * moves to it and forgets what it holds; *done says whether none is left in
 * flight.  The thread's failure if it has failed (the commit never comes). */
static tg_status_t behind_commit_finish(tg_db_t *db, bool wait, int *done)
{
    Behind *b = db->behind;
    *done = 1;
    if (!b->in_flight)
        return TG_OK;
    {
        std::unique_lock<std::mutex> lk(b->mu);
        auto committed = [b] { return b->commits == b->in_flight || b->failed != TG_OK; };
        if (wait)
            behind_wait(b, lk, committed);
        if (b->failed != TG_OK) {
            done_fd_take(b);
            db->err = b->fail_msg;
            return b->failed;
        }
        if (!committed()) {
            *done = 0;
            return TG_OK;
        }
        done_fd_take(b);
    }
    try {
        b->reader->reopen();
    } catch (...) {
        return caught(db->err);
    }
    for (auto m = b->meta.begin(); m != b->meta.end();)
        m = m->second.second <= b->in_flight ? b->meta.erase(m) : std::next(m);
    for (auto t = b->terms.begin(); t != b->terms.end();)
        t = t->second <= b->in_flight ? b->terms.erase(t) : std::next(t);
    b->in_flight = 0;
    return TG_OK;
}

/* Runs read(reader), moving the reader to the last commit and reading again
 * if the writer has overtaken it (see above). */
template <class F> static void read_committed(Behind *b, F read)
{
    for (int tries = 0;; tries++) {
        try {
            read(*b->reader);
            return;
        } catch (const Xapian::DatabaseModifiedError &) {
            if (tries == 3)
                throw;
            b->reader->reopen();
        }
    }
}

static void behind_stop(tg_db_t *db)
{
    Behind *b = db->behind;
    {
        std::lock_guard<std::mutex> lk(b->mu);
        b->queue.clear(); /* never committed: closing discards them anyway */
        b->docs = 0;
        b->bytes = 0;
        b->stop = true;
        b->work.notify_one();
    }
    b->thread.join();
    delete b;
    db->behind = nullptr;
}

/* A copy of d that holds its terms, positions, values and data in memory:
 * it reads no database when used, from any thread. */
static Xapian::Document detached(const Xapian::Document &d)
{
    return Xapian::Document::unserialise(d.serialise());
}

/* ==== Database ========================================================== */

extern "C" tg_status_t tg_db_open(const char *path, tg_db_mode_t mode, tg_db_t **out, char *errbuf,
                                  size_t errlen)
{
    *out = nullptr;
    tg_db_t *db = new (std::nothrow) tg_db();
    if (!db)
        tg_oom();
    try {
        if (mode == TG_DB_WRITE || mode == TG_DB_WRITE_BEHIND) {
            db->wr = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN |
                                                            Xapian::DB_BACKEND_GLASS);
            db->rd = db->wr;
            /* Work always happens inside a transaction, so that only what
             * tg_db_commit makes durable ever is (see tg_db_close). */
            db->wr->begin_transaction(true);
            if (mode == TG_DB_WRITE_BEHIND) {
                Behind *b = new Behind();
                db->behind = b;
                b->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (b->done_fd < 0)
                    throw Xapian::DatabaseError(std::string("eventfd: ") + strerror(errno));
                b->reader = new Xapian::Database(path);
                b->thread = std::thread(behind_run, db);
            }
        } else {
            db->wr = nullptr;
            db->rd = new Xapian::Database(path);
        }
    } catch (...) {
        tg_status_t st = caught_into(errbuf, errlen);
        delete db->behind; /* its thread not started: the last step */
        delete db->wr;
        delete db;
        return st;
    }
    *out = db;
    return TG_OK;
}

extern "C" void tg_db_close(tg_db_t *db)
{
    if (!db)
        return;
    if (db->behind)
        behind_stop(db);
    try {
        if (db->wr) {
            /* Xapian commits pending changes when a writer is closed; what
             * the caller did not commit must not become durable by accident,
             * so the open transaction is cancelled first. */
            db->wr->cancel_transaction();
            db->wr->close();
            delete db->wr;
        } else {
            delete db->rd;
        }
    } catch (...) {
        /* Closing cannot report anything useful; the database is left as of
         * its last commit either way. */
    }
    delete db;
}

extern "C" const char *tg_db_error(const tg_db_t *db)
{
    return db ? db->err.c_str() : "";
}

/* Writers only: TG_ERR_INVALID with a message on a reader. */
static bool read_only(tg_db_t *db)
{
    if (db->wr)
        return false;
    db->err = "database is read-only";
    return true;
}

extern "C" tg_status_t tg_db_reopen(tg_db_t *db, int *changed)
{
    try {
        bool c = db->rd->reopen();
        if (changed)
            *changed = c ? 1 : 0;
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_commit_start(tg_db_t *db)
{
    if (read_only(db))
        return TG_ERR_INVALID;
    Behind *b = db->behind;
    if (!b)
        return tg_db_commit(db);
    int done;
    tg_status_t st = behind_commit_finish(db, true, &done);
    if (!st)
        st = behind_put(db, BehindOp{BehindOp::COMMIT, {}, {}, {}, 0});
    if (st)
        return st;
    b->in_flight = b->batch++;
    return TG_OK;
}

extern "C" int tg_db_commit_fd(const tg_db_t *db)
{
    return db->behind ? db->behind->done_fd : -1;
}

extern "C" tg_status_t tg_db_commit_finish(tg_db_t *db, int wait, int *done)
{
    *done = 1;
    if (read_only(db))
        return TG_ERR_INVALID;
    return db->behind ? behind_commit_finish(db, wait != 0, done) : TG_OK;
}

extern "C" tg_status_t tg_db_commit(tg_db_t *db)
{
    if (read_only(db))
        return TG_ERR_INVALID;
    if (db->behind) {
        int done;
        tg_status_t st = tg_db_commit_start(db);
        return st ? st : tg_db_commit_finish(db, 1, &done);
    }
    try {
        db->wr->commit_transaction();
        db->wr->begin_transaction(true);
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_doccount(tg_db_t *db, unsigned *count)
{
    if (tg_status_t st = db->behind ? behind_drain(db) : TG_OK)
        return st;
    try {
        *count = db->rd->get_doccount();
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_termfreq(tg_db_t *db, const char *term, unsigned *freq)
{
    if (tg_status_t st = db->behind ? behind_drain(db) : TG_OK)
        return st;
    try {
        *freq = db->rd->get_termfreq(term);
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_find(tg_db_t *db, const char *term, tg_docid_t *id)
{
    *id = 0;
    if (tg_status_t st = db->behind ? behind_drain(db) : TG_OK)
        return st;
    try {
        Xapian::PostingIterator p = db->rd->postlist_begin(term);
        if (p == db->rd->postlist_end(term))
            return TG_ERR_NOTFOUND;
        *id = *p;
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_get(tg_db_t *db, tg_docid_t id, tg_doc_t **out)
{
    *out = nullptr;
    if (id == 0) {
        db->err = "document id 0";
        return TG_ERR_NOTFOUND;
    }
    if (tg_status_t st = db->behind ? behind_drain(db) : TG_OK)
        return st;
    try {
        Xapian::Document d = db->rd->get_document(id);
        *out = new tg_doc_t();
        (*out)->doc = db->behind ? detached(d) : d;
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_fetch(tg_db_t *db, const char *unique_term, tg_doc_t **out)
{
    *out = nullptr;
    Behind *b = db->behind;
    if (b && !b->terms.count(unique_term)) {
        /* not written since the reader's commit: as the reader has it */
        try {
            bool found = false;
            Xapian::Document d;
            read_committed(b, [&](Xapian::Database &r) {
                Xapian::PostingIterator p = r.postlist_begin(unique_term);
                found = p != r.postlist_end(unique_term);
                if (found)
                    d = detached(r.get_document(*p));
            });
            if (!found)
                return TG_ERR_NOTFOUND;
            *out = new tg_doc_t();
            (*out)->doc = std::move(d);
            return TG_OK;
        } catch (...) {
            return caught(db->err);
        }
    }
    tg_docid_t id;
    tg_status_t st = tg_db_find(db, unique_term, &id);
    return st ? st : tg_db_get(db, id, out);
}

extern "C" tg_status_t tg_db_replace(tg_db_t *db, const char *unique_term, tg_doc_t *doc,
                                     tg_docid_t *id)
{
    if (read_only(db))
        return TG_ERR_INVALID;
    try {
        settle(doc);
    } catch (...) {
        return caught(db->err);
    }
    if (db->behind) {
        if (id)
            *id = 0;
        /* a document not from a worker: its terms at some 16 bytes each */
        size_t bytes = doc->bytes ? doc->bytes : 16 * (size_t)doc->doc.termlist_count();
        BehindOp op{BehindOp::REPLACE, unique_term, {}, std::move(doc->doc), bytes};
        doc->doc = Xapian::Document(); /* the thread's now */
        doc->bytes = 0;
        db->behind->terms[unique_term] = db->behind->batch;
        return behind_put(db, std::move(op));
    }
    try {
        Xapian::docid d = db->wr->replace_document(unique_term, doc->doc);
        if (id)
            *id = d;
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_delete(tg_db_t *db, const char *term)
{
    if (read_only(db))
        return TG_ERR_INVALID;
    if (db->behind) {
        db->behind->terms[term] = db->behind->batch;
        return behind_put(db, BehindOp{BehindOp::DELETE, term, {}, {}, 0});
    }
    try {
        db->wr->delete_document(term);
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_get_meta(tg_db_t *db, const char *key, char **value, size_t *len)
{
    *value = nullptr;
    Behind *b = db->behind;
    try {
        std::string v;
        if (!b)
            v = db->rd->get_metadata(key);
        else if (auto set = b->meta.find(key); set != b->meta.end())
            v = set->second.first; /* set since the reader's commit */
        else
            read_committed(b, [&](Xapian::Database &r) { v = r.get_metadata(key); });
        if (len)
            *len = v.size();
        if (!v.empty())
            *value = dup_string(v);
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_set_meta(tg_db_t *db, const char *key, const char *value, size_t len)
{
    if (read_only(db))
        return TG_ERR_INVALID;
    if (db->behind) {
        std::string v(value, len);
        db->behind->meta[key] = {v, db->behind->batch};
        return behind_put(db, BehindOp{BehindOp::META, key, std::move(v), {}, 0});
    }
    try {
        db->wr->set_metadata(key, std::string(value, len));
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

/* The reader's keys merged with those set since its commit, in byte order
 * (std::string compares bytes as unsigned, as Xapian orders its keys).  A
 * commit in flight is waited for first, so that the reader is at the last
 * commit, which the thread's writes never overwrite: callbacks are never
 * called twice for a read done again. */
static tg_status_t each_meta_behind(tg_db_t *db, const char *prefix, int with_values, tg_meta_cb cb,
                                    void *ctx)
{
    Behind *b = db->behind;
    int done;
    if (tg_status_t st = behind_commit_finish(db, true, &done))
        return st;
    std::string pre(prefix);
    try {
        Xapian::TermIterator t = b->reader->metadata_keys_begin(pre);
        Xapian::TermIterator tend = b->reader->metadata_keys_end(pre);
        auto m = b->meta.lower_bound(pre);
        auto in_set = [&] {
            return m != b->meta.end() && m->first.compare(0, pre.size(), pre) == 0;
        };
        std::string tk = t != tend ? *t : std::string();
        while (t != tend || in_set()) {
            std::string k, v;
            if (in_set() && (t == tend || m->first <= tk)) {
                if (t != tend && m->first == tk && ++t != tend)
                    tk = *t; /* set since the commit: that value wins */
                k = m->first;
                v = m->second.first;
                ++m;
                if (v.empty())
                    continue; /* deleted since the commit */
                if (!with_values)
                    v.clear();
            } else {
                k = tk;
                if (with_values)
                    v = b->reader->get_metadata(k);
                if (++t != tend)
                    tk = *t;
            }
            if (cb(ctx, k.c_str(), v.c_str(), v.size()))
                break;
        }
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_each_meta(tg_db_t *db, const char *prefix, int with_values,
                                       tg_meta_cb cb, void *ctx)
{
    if (db->behind)
        return each_meta_behind(db, prefix, with_values, cb, ctx);
    try {
        for (Xapian::TermIterator t = db->rd->metadata_keys_begin(prefix);
             t != db->rd->metadata_keys_end(prefix); ++t) {
            std::string k = *t;
            std::string v;
            if (with_values)
                v = db->rd->get_metadata(k);
            if (cb(ctx, k.c_str(), v.c_str(), v.size()))
                break;
        }
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_each_term(tg_db_t *db, const char *prefix, tg_term_cb cb, void *ctx)
{
    if (tg_status_t st = db->behind ? behind_drain(db) : TG_OK)
        return st;
    try {
        for (Xapian::TermIterator t = db->rd->allterms_begin(prefix);
             t != db->rd->allterms_end(prefix); ++t) {
            std::string s = *t;
            if (cb(ctx, s.c_str(), s.size(), t.get_termfreq()))
                break;
        }
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_each_position(tg_db_t *db, tg_docid_t id, const char *term,
                                           tg_pos_cb cb, void *ctx)
{
    if (tg_status_t st = db->behind ? behind_drain(db) : TG_OK)
        return st;
    try {
        for (Xapian::PositionIterator p = db->rd->positionlist_begin(id, term);
             p != db->rd->positionlist_end(id, term); ++p) {
            if (cb(ctx, *p))
                break;
        }
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

/* ==== Documents ========================================================== */

/* A document fetched from a database reads its terms, values and data
 * lazily, so any of these calls may meet an index error (a revision
 * discarded under a reader among them): the message goes on the document. */

extern "C" tg_doc_t *tg_doc_new(void)
{
    tg_doc_t *d = new (std::nothrow) tg_doc_t();
    if (!d)
        tg_oom();
    return d;
}

extern "C" void tg_doc_free(tg_doc_t *doc)
{
    delete doc;
}

extern "C" const char *tg_doc_error(const tg_doc_t *doc)
{
    return doc ? doc->err.c_str() : "";
}

/* An add recorded, to be made into Xapian when needed (see "Terms added,
 * kept aside"). */
static tg_status_t record_add(tg_doc_t *doc, const char *term, size_t len, unsigned v, bool posting)
{
    try {
        if (len == 0) /* as Xapian refuses it, now rather than later */
            throw Xapian::InvalidArgumentError("Empty termnames aren't allowed.");
        if (!doc->pend)
            doc->pend = new PendingTerms();
        doc->pend->add(term, len, v, posting);
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_add_posting(tg_doc_t *doc, const char *term, size_t len, unsigned pos)
{
    return record_add(doc, term, len, pos, true);
}

extern "C" tg_status_t tg_doc_add_term(tg_doc_t *doc, const char *term, size_t len,
                                       unsigned wdf_inc)
{
    return record_add(doc, term, len, wdf_inc, false);
}

extern "C" tg_status_t tg_doc_remove_term(tg_doc_t *doc, const char *term)
{
    try {
        settle(doc);
        doc->doc.remove_term(term);
        return TG_OK;
    } catch (const Xapian::InvalidArgumentError &) {
        return TG_OK; /* not present: nothing to do */
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" int tg_doc_has_term(tg_doc_t *doc, const char *term)
{
    try {
        settle(doc);
        Xapian::TermIterator t = doc->doc.termlist_begin();
        t.skip_to(term);
        return t != doc->doc.termlist_end() && *t == term;
    } catch (...) {
        caught(doc->err);
        return -1;
    }
}

extern "C" tg_status_t tg_doc_each_term(tg_doc_t *doc, const char *prefix, tg_term_cb cb, void *ctx)
{
    try {
        settle(doc);
        size_t plen = std::strlen(prefix);
        Xapian::TermIterator t = doc->doc.termlist_begin();
        t.skip_to(prefix);
        for (; t != doc->doc.termlist_end(); ++t) {
            std::string s = *t;
            if (s.compare(0, plen, prefix) != 0)
                break;
            if (cb(ctx, s.c_str(), s.size(), t.get_wdf()))
                break;
        }
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_set_value(tg_doc_t *doc, unsigned slot, const char *value, size_t len)
{
    try {
        doc->doc.add_value(slot, std::string(value, len));
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_get_value(tg_doc_t *doc, unsigned slot, char **value)
{
    *value = nullptr;
    try {
        *value = dup_string(doc->doc.get_value(slot));
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_set_data(tg_doc_t *doc, const char *data, size_t len)
{
    try {
        doc->doc.set_data(std::string(data, len));
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_get_data(tg_doc_t *doc, char **data, size_t *len)
{
    *data = nullptr;
    if (len)
        *len = 0;
    try {
        std::string d = doc->doc.get_data();
        *data = dup_string(d);
        if (len)
            *len = d.size();
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

/* ---- The worker's document, sent to the writer ----
 *
 * Xapian's Document::unserialise rebuilds a document with add_term for
 * every term and then add_posting for every position, and each call looks
 * the term up in the document's map of terms: on the benchmark's PDFs
 * (1,052 terms and 1,977 positions each) 1,780 instructions per add_term
 * and 930 per add_posting, in the single writer.  This format lets the
 * writer add a term that has positions with its first add_posting (which
 * inserts it, with its wdf) and skip the separate add_term's lookup.  The
 * document it builds is the same: values, terms with their wdf and
 * positions, data.  Private to this file; worker and writer are the same
 * program.
 *
 *   "TGD1"
 *   n_values, then per value: slot, length, bytes
 *   n_terms, then per term: length, bytes, wdf, n_positions, then each
 *     position as the difference from the one before (the first from 0)
 *   length of the data, bytes
 *
 * Numbers are unsigned LEB128 (7 bits a byte, low first). */

static const char doc_magic[4] = {'T', 'G', 'D', '1'};

static void put_uint(std::string &out, unsigned long long v)
{
    while (v >= 0x80) {
        out.push_back((char)(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    out.push_back((char)v);
}

static void put_bytes(std::string &out, const std::string &b)
{
    put_uint(out, b.size());
    out += b;
}

/* Reads a document written by put_doc: every length and count is checked
 * against the bytes left, so damaged or hostile bytes are reported (as a
 * SerialisationError), never read past. */
struct doc_reader {
    const unsigned char *p, *end;

    [[noreturn]] static void bad(const char *what)
    {
        throw Xapian::SerialisationError(std::string("damaged document from a worker: ") + what);
    }
    unsigned long long uint(unsigned long long max, const char *what)
    {
        unsigned long long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p == end)
                bad(what);
            unsigned char c = *p++;
            v |= (unsigned long long)(c & 0x7f) << shift;
            if (!(c & 0x80)) {
                if (v > max)
                    bad(what);
                return v;
            }
        }
        bad(what);
    }
    /* a count of items of at least one byte each, or of bytes: no more
     * than the bytes left after it */
    size_t count(const char *what)
    {
        unsigned long long n = uint(UINT64_MAX, what);
        if (n > (unsigned long long)(end - p))
            bad(what);
        return (size_t)n;
    }
    std::string bytes(const char *what)
    {
        size_t n = count(what);
        std::string b((const char *)p, n);
        p += n;
        return b;
    }
};

/* d, with the terms recorded in pend instead of d's own if pend is given
 * (d then holds none). */
static std::string put_doc(const Xapian::Document &d, PendingTerms *pend)
{
    std::string out(doc_magic, sizeof doc_magic);
    put_uint(out, d.values_count());
    for (auto v = d.values_begin(); v != d.values_end(); ++v) {
        put_uint(out, v.get_valueno());
        put_bytes(out, *v);
    }
    if (pend) {
        put_pending(out, *pend);
    } else {
        put_uint(out, d.termlist_count());
        for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
            put_bytes(out, *t);
            put_uint(out, t.get_wdf());
            put_uint(out, t.positionlist_count());
            Xapian::termpos prev = 0;
            for (auto q = t.positionlist_begin(); q != t.positionlist_end(); ++q) {
                put_uint(out, *q - prev);
                prev = *q;
            }
        }
    }
    put_bytes(out, d.get_data());
    return out;
}

static Xapian::Document get_doc(const char *buf, size_t len)
{
    doc_reader r{(const unsigned char *)buf, (const unsigned char *)buf + len};
    if (len < sizeof doc_magic || memcmp(buf, doc_magic, sizeof doc_magic) != 0)
        doc_reader::bad("not a Testigo document");
    r.p += sizeof doc_magic;
    Xapian::Document d;
    for (size_t n = r.count("values"); n > 0; n--) {
        Xapian::valueno slot = (Xapian::valueno)r.uint(Xapian::BAD_VALUENO - 1, "value slot");
        d.add_value(slot, r.bytes("value"));
    }
    for (size_t n = r.count("terms"); n > 0; n--) {
        std::string term = r.bytes("term");
        Xapian::termcount wdf = (Xapian::termcount)r.uint(UINT32_MAX, "wdf");
        size_t npos = r.count("positions");
        if (npos == 0) {
            d.add_term(term, wdf);
            continue;
        }
        /* the first posting adds the term with its wdf, the others none */
        unsigned long long pos = 0;
        for (size_t k = 0; k < npos; k++) {
            pos += r.uint(UINT32_MAX, "position");
            if (pos > UINT32_MAX)
                doc_reader::bad("position");
            d.add_posting(term, (Xapian::termpos)pos, k == 0 ? wdf : 0);
        }
    }
    d.set_data(r.bytes("data"));
    if (r.p != r.end)
        doc_reader::bad("bytes after the end");
    return d;
}

extern "C" tg_status_t tg_doc_serialise(tg_doc_t *doc, char **out, size_t *len)
{
    *out = nullptr;
    try {
        std::string s;
        if (doc->pend && doc->doc.termlist_count() == 0)
            s = put_doc(doc->doc, doc->pend);
        else {
            settle(doc);
            s = put_doc(doc->doc, nullptr);
        }
        *len = s.size();
        *out = dup_string(s);
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_unserialise(const char *buf, size_t len, tg_doc_t **out, char *errbuf,
                                          size_t errlen)
{
    *out = nullptr;
    try {
        Xapian::Document d = get_doc(buf, len);
        *out = new tg_doc_t();
        (*out)->doc = d;
        (*out)->bytes = len;
        return TG_OK;
    } catch (...) {
        /* bytes that are not a serialised document are damaged data,
         * whatever Xapian calls them; its message says how */
        caught_into(errbuf, errlen);
        return TG_ERR_CORRUPT;
    }
}

/* ==== Stemming ========================================================== */

extern "C" tg_status_t tg_stemmer_new(const char *lang, tg_stemmer_t **out)
{
    *out = nullptr;
    try {
        Xapian::Stem s(lang);
        *out = new tg_stemmer_t{s};
        return TG_OK;
    } catch (const Xapian::InvalidArgumentError &) {
        return TG_ERR_UNSUPPORTED; /* Xapian has no stemmer for lang */
    } catch (...) {
        internal_error();
    }
}

extern "C" void tg_stemmer_free(tg_stemmer_t *st)
{
    delete st;
}

extern "C" char *tg_stem(tg_stemmer_t *st, const char *word, size_t len)
{
    try {
        return dup_string(st->stem(std::string(word, len)));
    } catch (...) {
        internal_error();
    }
}

/* ==== Queries ============================================================ */

/* Building a query fails only for want of memory or by a bug in Testigo
 * (internal_error). */

static tg_query_t *wrap(const Xapian::Query &q)
{
    tg_query_t *w = new (std::nothrow) tg_query_t{q};
    if (!w)
        tg_oom();
    return w;
}

extern "C" tg_query_t *tg_query_term(const char *term, size_t len, unsigned pos)
{
    try {
        return wrap(Xapian::Query(std::string(term, len), 1, pos));
    } catch (...) {
        internal_error();
    }
}

extern "C" tg_query_t *tg_query_combine(tg_qop_t op, tg_query_t **subs, size_t n, unsigned window)
{
    static const Xapian::Query::op ops[] = {
        Xapian::Query::OP_AND,     Xapian::Query::OP_OR,     Xapian::Query::OP_AND_NOT,
        Xapian::Query::OP_FILTER,  Xapian::Query::OP_PHRASE, Xapian::Query::OP_NEAR,
        Xapian::Query::OP_SYNONYM,
    };
    try {
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++) {
            v.push_back(subs[i]->q);
            delete subs[i];
            subs[i] = nullptr;
        }
        return wrap(Xapian::Query(ops[op], v.begin(), v.end(), window));
    } catch (...) {
        internal_error();
    }
}

extern "C" tg_query_t *tg_query_all(void)
{
    return wrap(Xapian::Query::MatchAll);
}

extern "C" tg_query_t *tg_query_value_range(unsigned slot, const char *lo, const char *hi)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
    } catch (...) {
        internal_error();
    }
}

extern "C" tg_query_t *tg_query_wildcard(const char *prefix, unsigned max_expansion)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion,
                                  Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                  Xapian::Query::OP_SYNONYM));
    } catch (...) {
        internal_error();
    }
}

extern "C" tg_query_t *tg_query_scale(tg_query_t *q, double factor)
{
    try {
        q->q = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor);
        return q;
    } catch (...) {
        internal_error();
    }
}

extern "C" tg_query_t *tg_query_copy(const tg_query_t *q)
{
    return wrap(q->q);
}

extern "C" void tg_query_free(tg_query_t *q)
{
    delete q;
}

extern "C" char *tg_query_describe(const tg_query_t *q)
{
    try {
        return dup_string(q->q.get_description());
    } catch (...) {
        internal_error();
    }
}

/* ==== Running a query ==================================================== */

extern "C" tg_status_t tg_db_search(tg_db_t *db, const tg_query_t *query,
                                    const tg_search_opts_t *opts, tg_mset_t **out)
{
    *out = nullptr;
    tg_mset_t *ms = nullptr;
    try {
        ms = new tg_mset_t();
        ms->db = *db->rd;
        ms->enq = new Xapian::Enquire(ms->db);
        ms->enq->set_query(query->q);
        ms->enq->set_weighting_scheme(CappedBM25());
        if (opts->sort_slot >= 0)
            ms->enq->set_sort_by_value_then_relevance((Xapian::valueno)opts->sort_slot,
                                                      opts->sort_descending != 0);
        for (size_t i = 0; i < opts->n_facet_slots; i++) {
            auto *spy = new Xapian::ValueCountMatchSpy(opts->facet_slots[i]);
            ms->spies.emplace_back(opts->facet_slots[i], spy);
            ms->enq->add_matchspy(spy);
        }
        for (size_t i = 0; i < opts->n_facet_prefixes; i++) {
            auto *spy = new TermPrefixSpy(opts->facet_prefixes[i],
                                          opts->term_facet_max_docs ? opts->term_facet_max_docs
                                                                    : TG_XAP_TERM_FACET_DOCS,
                                          opts->term_facet_max_values ? opts->term_facet_max_values
                                                                      : TG_XAP_TERM_FACET_VALUES);
            ms->term_spies.push_back(spy);
            ms->enq->add_matchspy(spy);
        }
        DeadlineDecider *decider = nullptr;
        double started = DeadlineDecider::now();
        if (opts->time_limit > 0) {
            ms->enq->set_time_limit(opts->time_limit / 2);
            decider = new DeadlineDecider(DeadlineDecider::now() + opts->time_limit);
        }
        try {
            ms->ms = ms->enq->get_mset(opts->offset, opts->limit, opts->check_at_least, nullptr,
                                       decider);
        } catch (...) {
            delete decider;
            throw;
        }
        delete decider;
        /* The decider reads the clock only every 256 candidates, and once
         * set_time_limit has relaxed check_at_least a match may end before
         * that: a match that overran its budget is refused all the same, so
         * whether a search is refused does not depend on where it stopped. */
        if (opts->time_limit > 0 && DeadlineDecider::now() > started + opts->time_limit)
            throw DeadlineReached();
        *out = ms;
        return TG_OK;
    } catch (const DeadlineReached &) {
        db->err = "the search took longer than its time budget";
        tg_mset_free(ms);
        return TG_ERR_TIMEOUT;
    } catch (...) {
        tg_mset_free(ms);
        tg_status_t st = caught(db->err);
        /* a query Xapian refuses (a wildcard that expands too much) */
        return st == TG_ERR_INVALID ? TG_ERR_QUERY : st;
    }
}

extern "C" void tg_mset_free(tg_mset_t *ms)
{
    if (!ms)
        return;
    /* the Enquire refers to the spies: it goes first */
    delete ms->enq;
    for (auto &s : ms->spies)
        delete s.second;
    for (auto *s : ms->term_spies)
        delete s;
    delete ms;
}

extern "C" const char *tg_mset_error(const tg_mset_t *ms)
{
    return ms ? ms->err.c_str() : "";
}

extern "C" unsigned tg_mset_size(const tg_mset_t *ms)
{
    return ms->ms.size();
}

extern "C" void tg_mset_estimate(const tg_mset_t *ms, unsigned *lower, unsigned *est,
                                 unsigned *upper)
{
    if (lower)
        *lower = ms->ms.get_matches_lower_bound();
    if (est)
        *est = ms->ms.get_matches_estimated();
    if (upper)
        *upper = ms->ms.get_matches_upper_bound();
}

extern "C" tg_docid_t tg_mset_docid(const tg_mset_t *ms, unsigned i)
{
    return *(ms->ms[i]);
}

extern "C" int tg_mset_percent(const tg_mset_t *ms, unsigned i)
{
    return ms->ms[i].get_percent();
}

extern "C" tg_status_t tg_mset_doc(tg_mset_t *ms, unsigned i, tg_doc_t **out)
{
    *out = nullptr;
    try {
        Xapian::Document d = ms->ms[i].get_document();
        *out = new tg_doc_t();
        (*out)->doc = d;
        return TG_OK;
    } catch (...) {
        return caught(ms->err);
    }
}

extern "C" tg_status_t tg_mset_each_facet(tg_mset_t *ms, unsigned slot, tg_term_cb cb, void *ctx)
{
    try {
        for (auto &s : ms->spies) {
            if (s.first != slot)
                continue;
            for (Xapian::TermIterator t = s.second->values_begin(); t != s.second->values_end();
                 ++t) {
                std::string v = *t;
                if (cb(ctx, v.c_str(), v.size(), t.get_termfreq()))
                    break;
            }
            return TG_OK;
        }
        ms->err = "no facet counted for this slot";
        return TG_ERR_NOTFOUND;
    } catch (...) {
        return caught(ms->err);
    }
}

extern "C" tg_status_t tg_mset_each_term_facet(tg_mset_t *ms, const char *prefix, tg_term_cb cb,
                                               void *ctx, unsigned *docs)
{
    if (docs)
        *docs = 0;
    try {
        for (auto *s : ms->term_spies) {
            if (s->prefix() != prefix)
                continue;
            if (docs)
                *docs = s->docs();
            for (const auto &kv : s->counts())
                if (cb(ctx, kv.first.c_str(), kv.first.size(), kv.second))
                    break;
            return TG_OK;
        }
        ms->err = "no facet counted for this prefix";
        return TG_ERR_NOTFOUND;
    } catch (...) {
        return caught(ms->err);
    }
}

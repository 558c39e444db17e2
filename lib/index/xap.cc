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

#include <cmath>
#include <cstdint>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>
#include <vector>

extern "C" [[noreturn]] void tg_oom(void);

struct tg_db {
    Xapian::Database *rd;         /* always set: the database to read */
    Xapian::WritableDatabase *wr; /* set for writers; rd points to it */
    std::string err;
};

struct tg_doc {
    Xapian::Document doc;
    std::string err;
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

/* ==== Database ========================================================== */

extern "C" tg_status_t tg_db_open(const char *path, tg_db_mode_t mode, tg_db_t **out, char *errbuf,
                                  size_t errlen)
{
    *out = nullptr;
    tg_db_t *db = new (std::nothrow) tg_db();
    if (!db)
        tg_oom();
    try {
        if (mode == TG_DB_WRITE) {
            db->wr = new Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN |
                                                            Xapian::DB_BACKEND_GLASS);
            db->rd = db->wr;
            /* Work always happens inside a transaction, so that only what
             * tg_db_commit makes durable ever is (see tg_db_close). */
            db->wr->begin_transaction(true);
        } else {
            db->wr = nullptr;
            db->rd = new Xapian::Database(path);
        }
    } catch (...) {
        tg_status_t st = caught_into(errbuf, errlen);
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

extern "C" tg_status_t tg_db_commit(tg_db_t *db)
{
    if (read_only(db))
        return TG_ERR_INVALID;
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
    try {
        *count = db->rd->get_doccount();
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_termfreq(tg_db_t *db, const char *term, unsigned *freq)
{
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
    try {
        Xapian::Document d = db->rd->get_document(id);
        *out = new tg_doc_t();
        (*out)->doc = d;
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_replace(tg_db_t *db, const char *unique_term, const tg_doc_t *doc,
                                     tg_docid_t *id)
{
    if (read_only(db))
        return TG_ERR_INVALID;
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
    try {
        std::string v = db->rd->get_metadata(key);
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
    try {
        db->wr->set_metadata(key, std::string(value, len));
        return TG_OK;
    } catch (...) {
        return caught(db->err);
    }
}

extern "C" tg_status_t tg_db_each_meta(tg_db_t *db, const char *prefix, int with_values,
                                       tg_meta_cb cb, void *ctx)
{
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

extern "C" tg_status_t tg_doc_add_posting(tg_doc_t *doc, const char *term, size_t len, unsigned pos)
{
    try {
        doc->doc.add_posting(std::string(term, len), pos);
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_add_term(tg_doc_t *doc, const char *term, size_t len,
                                       unsigned wdf_inc)
{
    try {
        doc->doc.add_term(std::string(term, len), wdf_inc);
        return TG_OK;
    } catch (...) {
        return caught(doc->err);
    }
}

extern "C" tg_status_t tg_doc_remove_term(tg_doc_t *doc, const char *term)
{
    try {
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

static std::string put_doc(const Xapian::Document &d)
{
    std::string out(doc_magic, sizeof doc_magic);
    put_uint(out, d.values_count());
    for (auto v = d.values_begin(); v != d.values_end(); ++v) {
        put_uint(out, v.get_valueno());
        put_bytes(out, *v);
    }
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
        std::string s = put_doc(doc->doc);
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

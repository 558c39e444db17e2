/* OCR over tesseract's C API, with images decoded by leptonica (see ocr.h).
 * The only file that includes tesseract or leptonica; none of their types
 * leave it.
 *
 * Every page, whatever its source, becomes an 8-bit grey (or 1-bit) Pix,
 * turned upright, checked for ink, and recognised with a deadline: a
 * tesseract monitor (ETEXT_DESC) whose cancel callback checks the page's
 * budget between words, leaving out the time the worker waited for a CPU
 * (over_budget), so a page that takes too long is stopped and reported
 * rather than hanging the worker.  Layout analysis before the first word is not
 * interruptible; the worker's wall clock and CPU limits are the backstop.
 *
 * Orientation.  A scan or photo without EXIF orientation may lie on its
 * side or upside down, and tesseract reads such a page as garbage (and
 * slowly: 3-4 times an upright page's time).  Tesseract's OSD (orientation
 * and script detection, osd.traineddata, a second engine loaded at its
 * first use) says how a page lies, but costs a quarter to a half of a
 * recognition, too much to run on every upright page.  So:
 *   1. without EXIF orientation, leptonica's text-orientation test
 *      (pixOrientDetect: ascenders against descenders, a few milliseconds
 *      on a binarised copy) looks at the page; only when it thinks the page
 *      is turned does OSD check it before the first reading;
 *   2. a reading with mean confidence under TG_OCR_RECHECK_CONFIDENCE (or
 *      no words) reads badly: OSD checks the page (if not done yet) and the
 *      page is read once more, turned as OSD says (or as it came, when OSD
 *      turned it in step 1 against leptonica's look; when both agreed, a
 *      poor reading is a poor page, not a wrong turn); the better reading,
 *      by confidence, is kept.
 * A page costs at most two readings and one OSD check, all within its
 * --ocr-timeout (the second reading gets what is left).  Without the OSD
 * model the page is read as it came, as before, and marked
 * orientation_unchecked where a check was due.
 *
 * Image files are first read by their header only: the pixel limit is
 * enforced before a single pixel is decoded (a 293-byte PNG can claim
 * 65535 x 65535 pixels).  GIF headers are read here, because leptonica's
 * own GIF "header" reader decodes the whole image.
 *
 * Must never print: tesseract's messages go to /dev/null (debug_file),
 * leptonica's are limited to errors, which the worker files with the job. */
#define _POSIX_C_SOURCE 200809L
#include "ocr.h"
#include "pagerender.h"
#include "pngio.h"

#include <allheaders.h>
#include <stdio.h>
#include <string.h>
#include <tesseract/capi.h>
#include <unistd.h>

#include "util.h"

struct tg_ocr {
    tg_ocr_opts_t opts;
    char *lang;          /* owned copy of opts.lang */
    TessBaseAPI *api;    /* NULL until the first page */
    char *loaded;        /* languages api was initialised with */
    int init_failed;     /* loading `lang` failed: do not try again */
    unsigned long calls; /* recognitions run */
    TessBaseAPI *osd;    /* the orientation detector; NULL until needed */
    int osd_state;       /* 0 not tried yet, 1 loaded, -1 not installed */
    unsigned long osd_calls;
};

struct tg_image {
    char *path;
    int format; /* IFF_* */
    unsigned pages;
};

/* Pixels darker than this count as ink; a page with fewer inked pixels
 * than BLANK_INK is blank. */
#define INK       128
#define BLANK_INK 16

/* OSD: blobs it classifies before it may answer (tesseract's default, 50,
 * leaves a short notice or a label unanswered; 20 answered every sample
 * page rightly, and faster); pages smaller than OSD_SMALL pixels are shown
 * to it at twice their size (its blobs must be 10 pixels tall: text on a
 * small screenshot is not). */
#define OSD_MIN_CHARS "20"
#define OSD_SMALL     1000000

/* The confidence leptonica's quick look needs to call a page turned: lower
 * than its own default (8), since a false alarm costs one OSD check and a
 * miss a slow reading of garbage before OSD is asked anyway. */
#define LOOK_MIN_CONF 5.0f

static void quiet_leptonica(void)
{
    static int done;
    if (!done) {
        setMsgSeverity(L_SEVERITY_ERROR);
        done = 1;
    }
}

tg_ocr_t *tg_ocr_new(const tg_ocr_opts_t *opts)
{
    tg_ocr_t *o = tg_xcalloc(1, sizeof *o);
    tg_ocr_set_opts(o, opts);
    quiet_leptonica();
    return o;
}

void tg_ocr_set_opts(tg_ocr_t *o, const tg_ocr_opts_t *opts)
{
    char *lang = tg_xstrdup(opts->lang && *opts->lang ? opts->lang : "eng");
    free(o->lang);
    o->lang = lang;
    o->opts = *opts;
    o->opts.lang = o->lang;
    if (o->loaded && strcmp(o->loaded, o->lang) != 0)
        o->init_failed = 0; /* a new language set gets its chance */
}

static void unload_osd(tg_ocr_t *o)
{
    if (o->osd) {
        TessBaseAPIEnd(o->osd);
        TessBaseAPIDelete(o->osd);
        o->osd = NULL;
    }
    o->osd_state = 0;
}

static void unload(tg_ocr_t *o)
{
    unload_osd(o);
    if (o->api) {
        TessBaseAPIEnd(o->api);
        TessBaseAPIDelete(o->api);
        o->api = NULL;
    }
    free(o->loaded);
    o->loaded = NULL;
}

void tg_ocr_free(tg_ocr_t *o)
{
    if (!o)
        return;
    unload(o);
    free(o->lang);
    free(o);
}

const tg_ocr_opts_t *tg_ocr_opts(const tg_ocr_t *o)
{
    return &o->opts;
}

unsigned long tg_ocr_calls(const tg_ocr_t *o)
{
    return o->calls;
}

unsigned long tg_ocr_osd_calls(const tg_ocr_t *o)
{
    return o->osd_calls;
}

const char *tg_ocr_engine(void)
{
    static char name[64];
    if (!name[0])
        snprintf(name, sizeof name, "tesseract %s", TessVersion());
    return name;
}

void tg_ocr_page_free(tg_ocr_page_t *p)
{
    if (p) {
        free(p->text);
        p->text = NULL;
        json_decref(p->words);
        p->words = NULL;
    }
}

/* Loads the models for the current languages, once. */
static tg_status_t load(tg_ocr_t *o, char *err, size_t errlen)
{
    if (o->api && o->loaded && strcmp(o->loaded, o->lang) == 0)
        return TG_OK;
    if (o->init_failed && o->loaded && strcmp(o->loaded, o->lang) == 0)
        goto failed;
    unload(o);
    o->loaded = tg_xstrdup(o->lang);
    o->api = TessBaseAPICreate();
    if (TessBaseAPIInit3(o->api, NULL, o->lang) != 0) {
        TessBaseAPIDelete(o->api);
        o->api = NULL;
        o->init_failed = 1;
        goto failed;
    }
    o->init_failed = 0;
    /* tesseract's chatter ("Estimating resolution as 300") is not ours to
     * print; from here on it goes nowhere */
    TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
    return TG_OK;
failed:
    tg_errf(err, errlen,
            "cannot load the OCR languages '%s' (is each one's tesseract-ocr-LANG package "
            "installed?)",
            o->lang);
    return TG_ERR_NOTFOUND;
}

static int too_large(const tg_ocr_t *o, uint64_t w, uint64_t h, char *err, size_t errlen)
{
    if (!o->opts.max_pixels || w * h <= o->opts.max_pixels)
        return 0;
    tg_errf(err, errlen,
            "image too large for OCR: %llu x %llu pixels (%.1f megapixels; the limit is %.1f, "
            "--ocr-max-pixels)",
            (unsigned long long)w, (unsigned long long)h, (double)(w * h) / 1e6,
            (double)o->opts.max_pixels / 1e6);
    return 1;
}

/* Number of inked pixels, counting up to `enough`. */
static unsigned long ink(PIX *pix, unsigned long enough)
{
    if (pixGetDepth(pix) == 1) {
        l_int32 n = 0;
        pixCountPixels(pix, &n, NULL);
        return (unsigned long)n;
    }
    unsigned long n = 0;
    l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    l_uint32 *data = pixGetData(pix);
    for (l_int32 y = 0; y < h && n < enough; y++) {
        l_uint32 *line = data + (size_t)y * (size_t)wpl;
        for (l_int32 x = 0; x < w; x++)
            if (GET_DATA_BYTE(line, x) < INK)
                n++;
    }
    return n;
}

/* The boxes of the words of the last reading: [[x0, y0, x1, y1, "word"]...]
 * in pixels of the image read (the page view marks hits with them). */
static json_t *word_boxes(tg_ocr_t *o)
{
    json_t *out = json_array();
    TessResultIterator *it = TessBaseAPIGetIterator(o->api);
    if (!it)
        return out;
    TessPageIterator *pi = TessResultIteratorGetPageIterator(it);
    do {
        int x0, y0, x1, y1;
        char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
        if (w && *w && TessPageIteratorBoundingBox(pi, RIL_WORD, &x0, &y0, &x1, &y1)) {
            json_t *v = json_pack("[i, i, i, i, s]", x0, y0, x1, y1, w);
            if (v) /* not UTF-8: left out */
                json_array_append_new(out, v);
        }
        TessDeleteText(w);
    } while (json_array_size(out) < 100000 && TessPageIteratorNext(pi, RIL_WORD));
    TessResultIteratorDelete(it);
    return out;
}

/* Boxes read on pix turned `quads` quarter turns clockwise (w x h: pix
 * before the turn), put back in pix's own pixels. */
static void unturn_boxes(json_t *words, int quads, int w, int h)
{
    size_t i;
    json_t *v;
    json_array_foreach(words, i, v)
    {
        double x0 = (double)json_integer_value(json_array_get(v, 0));
        double y0 = (double)json_integer_value(json_array_get(v, 1));
        double x1 = (double)json_integer_value(json_array_get(v, 2));
        double y1 = (double)json_integer_value(json_array_get(v, 3));
        double a0, b0, a1, b1; /* the corners back in pix */
        switch (quads & 3) {
        case 1: /* (x, y) -> (h - y, x): back (x', y') -> (y', h - x') */
            a0 = y0, b0 = h - x0, a1 = y1, b1 = h - x1;
            break;
        case 2:
            a0 = w - x0, b0 = h - y0, a1 = w - x1, b1 = h - y1;
            break;
        case 3: /* (x, y) -> (y, w - x): back (x', y') -> (w - y', x') */
            a0 = w - y0, b0 = x0, a1 = w - y1, b1 = x1;
            break;
        default:
            continue;
        }
        json_array_set_new(v, 0, json_integer((json_int_t)(a0 < a1 ? a0 : a1)));
        json_array_set_new(v, 1, json_integer((json_int_t)(b0 < b1 ? b0 : b1)));
        json_array_set_new(v, 2, json_integer((json_int_t)(a0 < a1 ? a1 : a0)));
        json_array_set_new(v, 3, json_integer((json_int_t)(b0 < b1 ? b1 : b0)));
    }
}

/* A reading's budget, checked by tesseract between words: the seconds
 * since it began, less those the worker spent waiting for a CPU (a page is
 * not blamed for the machine's other work, nor for the indexer's, which
 * goes before the workers). */
typedef struct {
    double t0, waited0, budget;
    int over;
} ocr_clock_t;

static bool over_budget(void *ctx, int words)
{
    (void)words;
    ocr_clock_t *c = ctx;
    double el = tg_now() - c->t0;
    if (el <= c->budget)
        return false; /* the common case: no need to ask the kernel */
    double q = tg_cpu_waited(0);
    if (q >= 0 && c->waited0 >= 0 && q > c->waited0)
        el -= q - c->waited0;
    c->over = el > c->budget;
    return c->over;
}

/* One reading of pix within budget seconds (0: no deadline; at least a
 * millisecond otherwise).  On TG_OK *text is malloc'd and *conf is the mean
 * word confidence, -1 when no words were found. */
static tg_status_t read_pix(tg_ocr_t *o, PIX *pix, double budget, char **text, int *conf,
                            json_t **boxes, char *err, size_t errlen)
{
    *boxes = NULL;
    TessBaseAPISetImage2(o->api, pix);
    ETEXT_DESC *monitor = TessMonitorCreate();
    ocr_clock_t clk = {tg_now(), tg_cpu_waited(0), budget < 0.001 ? 0.001 : budget, 0};
    if (o->opts.timeout > 0) {
        TessMonitorSetCancelFunc(monitor, over_budget);
        TessMonitorSetCancelThis(monitor, &clk);
    }
    o->calls++;
    int r = TessBaseAPIRecognize(o->api, monitor);
    TessMonitorDelete(monitor);
    if (r != 0) {
        TessBaseAPIClear(o->api);
        if (clk.over) {
            tg_errf(err, errlen, "OCR stopped after %g s (--ocr-timeout)", o->opts.timeout);
            return TG_ERR_TIMEOUT;
        }
        tg_errf(err, errlen, "OCR failed on this image");
        return TG_ERR_FORMAT;
    }
    char *t = TessBaseAPIGetUTF8Text(o->api);
    int c = TessBaseAPIMeanTextConf(o->api);
    *boxes = word_boxes(o);
    TessBaseAPIClear(o->api);
    *text = tg_xstrdup(t ? t : "");
    TessDeleteText(t);
    int words = 0;
    for (const unsigned char *p = (const unsigned char *)*text; *p && !words; p++)
        words =
            *p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
    *conf = words ? (c < 0 ? 0 : c > 100 ? 100 : c) : -1;
    return TG_OK;
}

/* ==== Orientation ========================================================= */

#define OSD_NOT_RUN     (-3)
#define OSD_UNAVAILABLE (-2)
#define OSD_NO_ANSWER   (-1)

/* A new Pix of a page that lies turned `rotation` degrees clockwise, turned
 * back upright (a new reference to pix when rotation is 0); NULL if
 * leptonica fails. */
static PIX *turned_back(PIX *pix, int rotation)
{
    return rotation ? pixRotateOrth(pix, (360 - rotation) / 90) : pixClone(pix);
}

/* Leptonica's quick look: 90, 180 or 270 when the text lines of pix look
 * turned that many degrees clockwise, 0 when they look upright or it cannot
 * tell (too little text, or not Latin script).  A few milliseconds. */
static int looks_turned(PIX *pix)
{
    PIX *b = pixGetDepth(pix) == 1 ? pixClone(pix) : pixThresholdToBinary(pix, INK);
    /* it reads text at 150-300 ppi best: a large page is reduced first */
    for (int k = 0; b && k < 3 && pixGetWidth(b) > 2000 && pixGetHeight(b) > 2000; k++) {
        PIX *r = pixReduceRankBinary2(b, 1, NULL);
        pixDestroy(&b);
        b = r;
    }
    if (!b)
        return 0;
    l_float32 up = 0, left = 0;
    l_int32 orient = L_TEXT_ORIENT_UNKNOWN;
    if (pixOrientDetect(b, &up, &left, 0, 0) == 0)
        makeOrientDecision(up, left, LOOK_MIN_CONF, 0, &orient, 0);
    pixDestroy(&b);
    switch (orient) {
    case L_TEXT_ORIENT_RIGHT:
        return 90;
    case L_TEXT_ORIENT_DOWN:
        return 180;
    case L_TEXT_ORIENT_LEFT:
        return 270;
    default:
        return 0;
    }
}

/* Loads the OSD model once, from where the language models were found;
 * 1 if it is there.  The file is looked for first, so that a missing model
 * costs no message from tesseract. */
static int osd_ready(tg_ocr_t *o)
{
    if (o->osd_state)
        return o->osd_state > 0;
    o->osd_state = -1;
    const char *dir = o->api ? TessBaseAPIGetDatapath(o->api) : NULL;
    if (!dir || !*dir)
        return 0;
    size_t n = strlen(dir);
    char *path = tg_xasprintf("%s%sosd.traineddata", dir, dir[n - 1] == '/' ? "" : "/");
    int there = access(path, R_OK) == 0;
    free(path);
    if (!there)
        return 0;
    o->osd = TessBaseAPICreate();
    if (TessBaseAPIInit2(o->osd, NULL, "osd", OEM_TESSERACT_ONLY) != 0) {
        TessBaseAPIDelete(o->osd);
        o->osd = NULL;
        return 0;
    }
    TessBaseAPISetVariable(o->osd, "debug_file", "/dev/null");
    TessBaseAPISetVariable(o->osd, "min_characters_to_try", OSD_MIN_CHARS);
    o->osd_state = 1;
    return 1;
}

int tg_ocr_can_check_orientation(tg_ocr_t *o)
{
    char err[256];
    return load(o, err, sizeof err) == TG_OK && osd_ready(o);
}

/* Tesseract's OSD on pix: how many degrees clockwise the page lies turned
 * (0, 90, 180, 270), OSD_NO_ANSWER when it cannot tell (too few letters),
 * OSD_UNAVAILABLE without the model. */
static int osd_check(tg_ocr_t *o, PIX *pix)
{
    if (!osd_ready(o))
        return OSD_UNAVAILABLE;
    uint64_t px = (uint64_t)pixGetWidth(pix) * (uint64_t)pixGetHeight(pix);
    PIX *p = px < OSD_SMALL ? pixScale(pix, 2.0f, 2.0f) : pixClone(pix);
    if (!p)
        return OSD_NO_ANSWER;
    TessBaseAPISetImage2(o->osd, p);
    int deg = -1;
    float conf = 0, script_conf = 0;
    const char *script = NULL;
    o->osd_calls++;
    int ok = TessBaseAPIDetectOrientationScript(o->osd, &deg, &conf, &script, &script_conf);
    TessBaseAPIClear(o->osd);
    pixDestroy(&p);
    if (!ok || deg < 0 || deg > 270 || deg % 90)
        return OSD_NO_ANSWER;
    return deg;
}

/* Recognises pix (1 or 8 bpp, upright as far as EXIF knows; exif: EXIF gave
 * an orientation) after the orientation checks described at the top.
 * Consumes nothing: pix stays the caller's. */
static tg_status_t recognise(tg_ocr_t *o, PIX *pix, int exif, tg_ocr_page_t *out, char *err,
                             size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->confidence = -1;
    if (ink(pix, BLANK_INK) < BLANK_INK) {
        out->blank = 1;
        out->text = tg_xstrdup("");
        return TG_OK;
    }
    tg_status_t st = load(o, err, errlen);
    if (st)
        return st;
    double start = tg_now(), limit = o->opts.timeout;
    int osd = OSD_NOT_RUN, turn = 0, look = exif ? 0 : looks_turned(pix);
    if (look) {
        osd = osd_check(o, pix);
        if (osd > 0)
            turn = osd;
    }
    char *text = NULL;
    int conf = -1;
    json_t *words = NULL;
    PIX *p = turned_back(pix, turn);
    if (!p)
        tg_oom();
    st = read_pix(o, p, limit - (tg_now() - start), &text, &conf, &words, err, errlen);
    pixDestroy(&p);
    if (st)
        return st;
    if (conf < TG_OCR_RECHECK_CONFIDENCE) {
        if (osd == OSD_NOT_RUN)
            osd = osd_check(o, pix);
        int again = -1;
        if (osd >= 0 && osd != turn)
            again = osd;
        else if (turn && turn != look)
            again = 0; /* OSD turned it against leptonica's look: try it as it came */
        double left = limit - (tg_now() - start);
        if (again >= 0 && (limit <= 0 || left > 0) && (p = turned_back(pix, again))) {
            char *text2 = NULL, err2[256];
            int conf2 = -1;
            json_t *words2 = NULL;
            /* a second reading that fails or times out leaves the first */
            if (read_pix(o, p, left, &text2, &conf2, &words2, err2, sizeof err2) == TG_OK) {
                if (conf2 > conf) {
                    free(text);
                    json_decref(words);
                    text = text2;
                    words = words2;
                    conf = conf2;
                    turn = again;
                } else {
                    free(text2);
                    json_decref(words2);
                }
            }
            pixDestroy(&p);
        }
    }
    /* the boxes in the page as it was given, whichever way it was read */
    unturn_boxes(words, (360 - turn) / 90, pixGetWidth(pix), pixGetHeight(pix));
    out->words = words;
    out->words_w = pixGetWidth(pix);
    out->words_h = pixGetHeight(pix);
    out->text = text;
    out->confidence = conf;
    out->rotation = turn;
    out->orientation_unchecked = osd == OSD_UNAVAILABLE;
    return TG_OK;
}

/* ==== Image files ========================================================= */

static const char *format_name(int f)
{
    if (L_FORMAT_IS_TIFF(f))
        return "tiff";
    switch (f) {
    case IFF_BMP:
        return "bmp";
    case IFF_JFIF_JPEG:
        return "jpeg";
    case IFF_PNG:
        return "png";
    case IFF_PNM:
        return "pnm";
    case IFF_GIF:
        return "gif";
    case IFF_JP2:
        return "jp2";
    case IFF_WEBP:
        return "webp";
    default:
        return NULL;
    }
}

/* GIF's logical screen size, the size leptonica allocates. */
static int gif_size(const char *path, l_int32 *w, l_int32 *h)
{
    unsigned char b[10];
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n != sizeof b || memcmp(b, "GIF", 3) != 0)
        return -1;
    *w = b[6] | b[7] << 8;
    *h = b[8] | b[9] << 8;
    return 0;
}

/* Width and height of page i without decoding it. */
static int page_size(const tg_image_t *im, unsigned i, l_int32 *w, l_int32 *h)
{
    l_int32 fmt, bps, spp, cmap, res;
    if (im->format == IFF_GIF)
        return gif_size(im->path, w, h);
    if (L_FORMAT_IS_TIFF(im->format))
        return readHeaderTiff(im->path, (l_int32)i, w, h, &bps, &spp, &res, &cmap, &fmt) ? -1 : 0;
    return pixReadHeader(im->path, &fmt, w, h, &bps, &spp, &cmap) ? -1 : 0;
}

tg_status_t tg_image_open(const char *path, tg_image_t **out, tg_image_info_t *info, char *err,
                          size_t errlen)
{
    *out = NULL;
    memset(info, 0, sizeof *info);
    quiet_leptonica();
    l_int32 fmt = IFF_UNKNOWN;
    if (findFileFormat(path, &fmt) || !format_name(fmt)) {
        tg_errf(err, errlen, "not an image format the OCR can read");
        return TG_ERR_UNSUPPORTED;
    }
    tg_image_t *im = tg_xcalloc(1, sizeof *im);
    im->path = tg_xstrdup(path);
    im->format = fmt;
    im->pages = 1;
    if (L_FORMAT_IS_TIFF(fmt)) {
        FILE *f = fopenReadStream(path);
        l_int32 n = 0;
        if (!f || tiffGetCount(f, &n) || n < 1) {
            if (f)
                fclose(f);
            tg_errf(err, errlen, "damaged TIFF: its pages cannot be counted");
            tg_image_close(im);
            return TG_ERR_FORMAT;
        }
        fclose(f);
        im->pages = (unsigned)n;
    }
    l_int32 w = 0, h = 0;
    if (page_size(im, 0, &w, &h) || w <= 0 || h <= 0) {
        tg_errf(err, errlen, "damaged %s image: its header cannot be read", format_name(fmt));
        tg_image_close(im);
        return TG_ERR_FORMAT;
    }
    info->pages = im->pages;
    info->width = w;
    info->height = h;
    info->format = format_name(fmt);
    *out = im;
    return TG_OK;
}

void tg_image_close(tg_image_t *im)
{
    if (!im)
        return;
    free(im->path);
    free(im);
}

/* Replaces *pix by f(*pix) when f made a new one. */
static int swap_pix(PIX **pix, PIX *made)
{
    if (!made)
        return -1;
    if (made != *pix)
        pixDestroy(pix);
    *pix = made;
    return 0;
}

/* Turns pix upright after EXIF orientation o (see the EXIF specification's
 * table: 6 means "turn 90 degrees clockwise to view"). */
static int upright(PIX **pix, int o)
{
    switch (o) {
    case 2:
        return swap_pix(pix, pixFlipLR(NULL, *pix));
    case 3:
        return swap_pix(pix, pixRotateOrth(*pix, 2));
    case 4:
        return swap_pix(pix, pixFlipTB(NULL, *pix));
    case 5: /* transpose */
        return swap_pix(pix, pixRotateOrth(*pix, 1)) || swap_pix(pix, pixFlipLR(NULL, *pix));
    case 6:
        return swap_pix(pix, pixRotateOrth(*pix, 1));
    case 7: /* transverse */
        return swap_pix(pix, pixRotateOrth(*pix, 1)) || swap_pix(pix, pixFlipTB(NULL, *pix));
    case 8:
        return swap_pix(pix, pixRotateOrth(*pix, 3));
    default:
        return 0;
    }
}

/* Makes pix 1 or 8 bpp grey, transparent parts as white paper. */
static int to_grey(PIX **pix)
{
    if (pixGetDepth(*pix) == 1 && !pixGetColormap(*pix))
        return 0;
    if (pixGetDepth(*pix) == 32 && pixGetSpp(*pix) == 4 &&
        swap_pix(pix, pixAlphaBlendUniform(*pix, 0xffffff00)))
        return -1;
    if (pixGetDepth(*pix) == 8 && !pixGetColormap(*pix))
        return 0;
    return swap_pix(pix, pixConvertTo8(*pix, 0));
}

tg_status_t tg_ocr_image_page(tg_ocr_t *o, tg_image_t *im, unsigned i, int orientation,
                              tg_ocr_page_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->confidence = -1;
    l_int32 w = 0, h = 0;
    if (i >= im->pages || page_size(im, i, &w, &h) || w <= 0 || h <= 0) {
        tg_errf(err, errlen, "damaged %s image: the header of page %u cannot be read",
                format_name(im->format), i + 1);
        return TG_ERR_FORMAT;
    }
    if (too_large(o, (uint64_t)w, (uint64_t)h, err, errlen))
        return TG_ERR_LIMIT;
    PIX *pix;
    l_int32 warnings = 0;
    if (L_FORMAT_IS_TIFF(im->format))
        pix = pixReadTiff(im->path, (l_int32)i);
    else if (im->format ==
             IFF_JFIF_JPEG) /* grey is all OCR needs; half a photo is better than none */
        pix = pixReadJpeg(im->path, 0, 1, &warnings,
                          L_JPEG_READ_LUMINANCE | L_JPEG_CONTINUE_WITH_BAD_DATA);
    else
        pix = pixRead(im->path);
    if (!pix) {
        tg_errf(err, errlen, "damaged %s image: its pixels cannot be decoded",
                format_name(im->format));
        return TG_ERR_FORMAT;
    }
    tg_status_t st = TG_OK;
    if (too_large(o, (uint64_t)pixGetWidth(pix), (uint64_t)pixGetHeight(pix), err, errlen)) {
        st = TG_ERR_LIMIT; /* the header lied */
    } else if (to_grey(&pix) || upright(&pix, orientation)) {
        tg_errf(err, errlen, "this %s image's pixels cannot be converted for OCR",
                format_name(im->format));
        st = TG_ERR_FORMAT;
    } else {
        l_int32 xres = pixGetXRes(pix);
        if (xres < 70 || xres > 2400)
            pixSetResolution(pix, 0, 0); /* nonsense: let tesseract estimate */
        st = recognise(o, pix, orientation >= 1 && orientation <= 8, out, err, errlen);
        out->damaged = warnings > 0;
    }
    pixDestroy(&pix);
    return st;
}

/* ==== Raw pixels =========================================================== */

tg_status_t tg_ocr_pixels(tg_ocr_t *o, const unsigned char *data, int width, int height,
                          size_t stride, tg_pixel_format_t format, int dpi, tg_ocr_page_t *out,
                          char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->confidence = -1;
    size_t bpp = format == TG_PIXELS_XRGB32 ? 4 : 1;
    if (width <= 0 || height <= 0 || stride < (size_t)width * bpp ||
        (format != TG_PIXELS_GRAY8 && format != TG_PIXELS_XRGB32)) {
        tg_errf(err, errlen, "bad pixel buffer (%d x %d, stride %zu)", width, height, stride);
        return TG_ERR_INVALID;
    }
    if (too_large(o, (uint64_t)width, (uint64_t)height, err, errlen))
        return TG_ERR_LIMIT;
    PIX *pix = pixCreate(width, height, 8);
    if (!pix)
        tg_oom();
    l_uint32 *pd = pixGetData(pix);
    l_int32 wpl = pixGetWpl(pix);
    for (int y = 0; y < height; y++) {
        const unsigned char *row = data + (size_t)y * stride;
        l_uint32 *line = pd + (size_t)y * (size_t)wpl;
        for (int x = 0; x < width; x++) {
            unsigned v;
            if (format == TG_PIXELS_GRAY8) {
                v = row[x];
            } else {
                uint32_t p;
                memcpy(&p, row + 4 * (size_t)x, 4);
                unsigned r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
                v = (299 * r + 587 * g + 114 * b) / 1000;
            }
            SET_DATA_BYTE(line, x, v);
        }
    }
    if (dpi > 0)
        pixSetResolution(pix, dpi, dpi);
    tg_status_t st = recognise(o, pix, 0, out, err, errlen);
    pixDestroy(&pix);
    return st;
}

/* ==== Page images (pagerender.h) ========================================== */

/* An 8 or 32 bpp pix's rows for the PNG encoder (pngio.h). */
static void pix_grey_row(void *ctx, unsigned y, unsigned char *row)
{
    PIX *pix = ctx;
    const l_uint32 *line = pixGetData(pix) + (size_t)y * (size_t)pixGetWpl(pix);
    l_int32 w = pixGetWidth(pix);
    if (pixGetDepth(pix) == 8) {
        for (l_int32 x = 0; x < w; x++)
            row[x] = (unsigned char)GET_DATA_BYTE(line, x);
    } else {
        for (l_int32 x = 0; x < w; x++)
            row[x] = (unsigned char)(line[x] >> L_GREEN_SHIFT);
    }
}

static void pix_rgb_row(void *ctx, unsigned y, unsigned char *row)
{
    PIX *pix = ctx;
    const l_uint32 *line = pixGetData(pix) + (size_t)y * (size_t)pixGetWpl(pix);
    l_int32 w = pixGetWidth(pix);
    for (l_int32 x = 0; x < w; x++) {
        row[3 * x] = (unsigned char)(line[x] >> L_RED_SHIFT);
        row[3 * x + 1] = (unsigned char)(line[x] >> L_GREEN_SHIFT);
        row[3 * x + 2] = (unsigned char)(line[x] >> L_BLUE_SHIFT);
    }
}

/* Whether every pixel of a 32 bpp pix is grey (a photo of a grey page, a
 * grey JPEG decoded as colour): written as grey, a third of the bytes. */
static int pix_is_grey(PIX *pix)
{
    l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    const l_uint32 *data = pixGetData(pix);
    for (l_int32 y = 0; y < h; y++) {
        const l_uint32 *line = data + (size_t)y * (size_t)wpl;
        for (l_int32 x = 0; x < w; x++) {
            l_uint32 v = line[x];
            unsigned r = (v >> L_RED_SHIFT) & 0xff, g = (v >> L_GREEN_SHIFT) & 0xff,
                     b = (v >> L_BLUE_SHIFT) & 0xff;
            if (r != g || g != b)
                return 0;
        }
    }
    return 1;
}

/* Scales pix (8 or 32 bpp) down so that its width, or its height when it
 * will be turned a quarter, is width pixels (nothing when it is not wider):
 * halved by 2 x 2 averages while it is at least twice too wide (cheap, and
 * as good as an area map), then the rest by leptonica's area map or linear
 * interpolation, without its sharpening (a third of a photo's render, for
 * an edge the screen does not need). */
static int shrink(PIX **pix, int turned, unsigned width)
{
    for (;;) {
        l_int32 side = turned ? pixGetHeight(*pix) : pixGetWidth(*pix);
        if (!width || side <= (l_int32)width)
            return 0;
        if (side / 2 >= (l_int32)width) {
            if (swap_pix(pix, pixScaleAreaMap2(*pix)))
                return -1;
            continue;
        }
        float f = (float)width / (float)side;
        return swap_pix(pix, pixScaleGeneral(*pix, f, f, 0.0f, 0));
    }
}

/* A plain PNG read by pngio.h, halved by 2 x 2 averages (k x k blocks)
 * as its rows come, while it stays at least as wide as asked for: a 300 dpi
 * scan shown 1000 pixels wide is never held whole. */
typedef struct {
    unsigned width; /* asked for (0: as it is) */
    int turned;     /* the height becomes the width */
    unsigned k, ow, oh;
    int channels;
    unsigned *acc; /* sums of the output row being made, ow x channels */
    PIX *pix;
} png_halves_t;

static int halves_begin(void *ctx, unsigned w, unsigned h, int channels)
{
    png_halves_t *c = ctx;
    unsigned side = c->turned ? h : w;
    c->k = 1;
    while (c->width && c->k < 64 && side / (c->k * 2) >= c->width)
        c->k *= 2;
    c->ow = w / c->k;
    c->oh = h / c->k;
    c->channels = channels;
    if (!c->ow || !c->oh)
        return -1; /* a sliver: leptonica reads it whole */
    c->pix = pixCreate((l_int32)c->ow, (l_int32)c->oh, channels == 1 ? 8 : 32);
    c->acc = calloc((size_t)c->ow * (size_t)channels, sizeof *c->acc);
    return c->pix && c->acc ? 0 : -1;
}

static void halves_row(void *ctx, unsigned y, const unsigned char *row)
{
    png_halves_t *c = ctx;
    if (y / c->k >= c->oh)
        return; /* the last rows of a height that does not divide */
    unsigned n = c->ow * (unsigned)c->channels, kc = c->k * (unsigned)c->channels;
    if (c->k == 2 && c->channels == 1) { /* the common case, unrolled */
        for (unsigned x = 0; x < c->ow; x++)
            c->acc[x] += (unsigned)row[2 * x] + row[2 * x + 1];
    } else if (c->k == 2) {
        for (unsigned x = 0; x < n; x += 3) {
            const unsigned char *p = row + 2 * (size_t)x;
            c->acc[x] += (unsigned)p[0] + p[3];
            c->acc[x + 1] += (unsigned)p[1] + p[4];
            c->acc[x + 2] += (unsigned)p[2] + p[5];
        }
    } else if (c->channels == 1) {
        for (unsigned x = 0; x < c->ow; x++) {
            const unsigned char *p = row + (size_t)x * c->k;
            unsigned s = 0;
            for (unsigned i = 0; i < c->k; i++)
                s += p[i];
            c->acc[x] += s;
        }
    } else {
        for (unsigned x = 0; x < n; x += 3) {
            const unsigned char *p = row + (size_t)(x / 3) * kc;
            for (unsigned i = 0; i < kc; i += 3) {
                c->acc[x] += p[i];
                c->acc[x + 1] += p[i + 1];
                c->acc[x + 2] += p[i + 2];
            }
        }
    }
    if (y % c->k != c->k - 1)
        return;
    unsigned area = c->k * c->k;
    l_uint32 *line = pixGetData(c->pix) + (size_t)(y / c->k) * (size_t)pixGetWpl(c->pix);
    for (unsigned x = 0; x < c->ow; x++) {
        if (c->channels == 1) {
            SET_DATA_BYTE(line, x, (c->acc[x] + area / 2) / area);
        } else {
            const unsigned *a = c->acc + 3 * (size_t)x;
            composeRGBPixel((l_int32)((a[0] + area / 2) / area),
                            (l_int32)((a[1] + area / 2) / area),
                            (l_int32)((a[2] + area / 2) / area), line + x);
        }
    }
    memset(c->acc, 0, (size_t)n * sizeof *c->acc);
}

/* Reads a plain PNG (pngio.h) into *pix, halved as it is read; nonzero
 * when it is not one (then leptonica reads it). */
static int read_png_halves(const char *path, unsigned width, int turned, PIX **pix)
{
    png_halves_t c = {.width = width, .turned = turned};
    tg_png_reader_t r = {halves_begin, halves_row, &c};
    char err[256];
    tg_status_t st = tg_png_read(path, &r, err, sizeof err);
    free(c.acc);
    if (st)
        pixDestroy(&c.pix);
    *pix = c.pix;
    return st ? -1 : 0;
}

/* Writes pix (8 bpp grey or 32 bpp RGB) into png. */
static tg_status_t pix_png(PIX *pix, tg_buf_t *png, char *err, size_t errlen)
{
    int grey = pixGetDepth(pix) == 8 || pix_is_grey(pix);
    return tg_png_write(png, (unsigned)pixGetWidth(pix), (unsigned)pixGetHeight(pix), grey ? 1 : 3,
                        grey ? pix_grey_row : pix_rgb_row, pix, err, errlen);
}

tg_status_t tg_image_render_page(const char *path, unsigned pageno, int orientation, unsigned width,
                                 uint64_t max_pixels, tg_buf_t *png, tg_page_render_t *out,
                                 char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    tg_image_t *im = NULL;
    tg_image_info_t info;
    tg_status_t st = tg_image_open(path, &im, &info, err, errlen);
    if (st)
        return st;
    PIX *pix = NULL;
    out->pages = im->pages;
    l_int32 w = 0, h = 0;
    if (pageno < 1 || pageno > im->pages) {
        tg_errf(err, errlen, "no page %u (the image has %u)", pageno, im->pages);
        st = TG_ERR_INVALID;
        goto out;
    }
    if (page_size(im, pageno - 1, &w, &h) || w <= 0 || h <= 0) {
        tg_errf(err, errlen, "damaged %s image: the header of page %u cannot be read",
                format_name(im->format), pageno);
        st = TG_ERR_FORMAT;
        goto out;
    }
    if (max_pixels && (uint64_t)w * (uint64_t)h > max_pixels) {
        tg_errf(err, errlen, "image too large to show: %d x %d pixels", (int)w, (int)h);
        st = TG_ERR_LIMIT;
        goto out;
    }
    if (L_FORMAT_IS_TIFF(im->format)) {
        pix = pixReadTiff(im->path, (l_int32)pageno - 1);
    } else if (im->format == IFF_JFIF_JPEG) {
        /* libjpeg decodes at 1/2, 1/4, 1/8 the size for a fraction of the
         * cost: a phone's photo shown 1000 pixels wide needs no more (the
         * side that becomes the width after EXIF orientation counts) */
        l_int32 side = orientation >= 5 && orientation <= 8 ? h : w;
        l_int32 reduction = 1;
        while (width && reduction < 8 && side / (reduction * 2) >= (l_int32)width)
            reduction *= 2;
        l_int32 warnings = 0;
        pix = pixReadJpeg(im->path, 0, reduction, &warnings, L_JPEG_CONTINUE_WITH_BAD_DATA);
    } else if (im->format == IFF_PNG && png &&
               !read_png_halves(im->path, width, orientation >= 5 && orientation <= 8, &pix)) {
        /* a plain PNG, read and halved at once */
    } else {
        pix = pixRead(im->path);
    }
    if (!pix ||
        (max_pixels && (uint64_t)pixGetWidth(pix) * (uint64_t)pixGetHeight(pix) > max_pixels)) {
        tg_errf(err, errlen, "damaged %s image: its pixels cannot be decoded",
                format_name(im->format));
        st = TG_ERR_FORMAT;
        goto out;
    }
    /* the page's units are the pixels of the whole upright image, however
     * much smaller it was decoded */
    int turned = orientation >= 5 && orientation <= 8;
    out->page_w = turned ? h : w;
    out->page_h = turned ? w : h;
    if (!png)
        goto out;
    /* colour maps and alpha out, grey or RGB at the width asked for, then
     * upright: scaled before it is turned, so the turn moves the small
     * image (the side that becomes the width is scaled to it) */
    l_int32 side = turned ? pixGetHeight(pix) : pixGetWidth(pix);
    float f = width && (l_int32)width < side ? (float)width / (float)side : 1.0f;
    if (pixGetColormap(pix) && swap_pix(&pix, pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC)))
        st = TG_ERR_FORMAT;
    else if (pixGetDepth(pix) == 32 && pixGetSpp(pix) == 4 &&
             swap_pix(&pix, pixAlphaBlendUniform(pix, 0xffffff00)))
        st = TG_ERR_FORMAT;
    else if (pixGetDepth(pix) == 1 && f < 1.0f && swap_pix(&pix, pixScaleToGray(pix, f)))
        st = TG_ERR_FORMAT; /* a fax page: 1 bit to grey and smaller in one pass */
    else if (pixGetDepth(pix) < 8 && swap_pix(&pix, pixConvertTo8(pix, 0)))
        st = TG_ERR_FORMAT;
    else if (pixGetDepth(pix) == 16 && swap_pix(&pix, pixConvert16To8(pix, L_MS_BYTE)))
        st = TG_ERR_FORMAT;
    else if (pixGetDepth(pix) != 8 && pixGetDepth(pix) != 32)
        st = TG_ERR_FORMAT;
    else if (shrink(&pix, turned, width))
        st = TG_ERR_FORMAT;
    else if (upright(&pix, orientation))
        st = TG_ERR_FORMAT;
    if (st) {
        tg_errf(err, errlen, "this %s image's pixels cannot be converted", format_name(im->format));
        goto out;
    }
    st = pix_png(pix, png, err, errlen);
    if (!st) {
        out->width = pixGetWidth(pix);
        out->height = pixGetHeight(pix);
    }
out:
    pixDestroy(&pix);
    tg_image_close(im);
    return st;
}

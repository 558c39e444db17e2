/* EXIF over libexif (see exif.h).  The only file that includes libexif.
 *
 * Why libexif: a small C library, in Debian for two decades and kept
 * patched there, that reads the EXIF block of a JPEG without decoding the
 * image.  Writing our own TIFF-in-JPEG parser would mean one more parser of
 * hostile bytes to get right; exiv2 is C++ and far larger.
 *
 * The block is loaded without libexif's "follow the specification" option,
 * which would otherwise invent missing mandatory tags (a DateTime of now)
 * and so date a photo by the day it was indexed.  Values are copied out
 * with their lengths checked: an EXIF block is untrusted input like any
 * other, and runs inside the extraction worker's limits. */
#define _POSIX_C_SOURCE 200809L
#include "exif.h"

#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <stdio.h>
#include <string.h>

#include "schema.h"

static ExifEntry *entry(ExifData *d, ExifIfd ifd, ExifTag tag)
{
    return d->ifd[ifd] ? exif_content_get_entry(d->ifd[ifd], tag) : NULL;
}

/* Copies an ASCII entry's printable characters into out (trimmed). */
static void ascii(ExifEntry *e, char *out, size_t len)
{
    out[0] = '\0';
    if (!e || e->format != EXIF_FORMAT_ASCII || !e->data || len == 0)
        return;
    size_t k = 0;
    for (unsigned i = 0; i < e->size && e->data[i] && k + 1 < len; i++) {
        unsigned char c = e->data[i];
        if (c >= 0x20 && c < 0x7f)
            out[k++] = (char)c;
    }
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
}

/* "2024:08:03 16:42:10" -> "2024-08-03T16:42:10" (+ offset); 0 if it is a
 * real date. */
static int iso_date(const char *s, const char *offset, char *out, size_t len)
{
    static const char shape[] = "dddd:dd:dd dd:dd:dd";
    if (strlen(s) < sizeof shape - 1)
        return -1;
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return -1;
    char iso[40];
    snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.8s", s, s + 5, s + 8, s + 11);
    tg_date_t d;
    if (tg_date_parse(iso, strlen(iso), &d) || d.year < 1900)
        return -1; /* "0000:00:00 00:00:00" is common and means "unknown" */
    /* "+hh:mm" / "-hh:mm" */
    if (offset && strlen(offset) == 6 && (offset[0] == '+' || offset[0] == '-') && offset[3] == ':')
        strcat(iso, offset);
    snprintf(out, len, "%s", iso);
    return 0;
}

int tg_exif_read(const char *path, tg_exif_t *out)
{
    memset(out, 0, sizeof *out);
    ExifLoader *l = exif_loader_new();
    if (!l)
        return -1;
    exif_loader_write_file(l, path);
    const unsigned char *buf = NULL;
    unsigned int size = 0;
    exif_loader_get_buf(l, &buf, &size);
    ExifData *d = NULL;
    if (buf && size > 0) {
        d = exif_data_new();
        if (d) {
            exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
            exif_data_load_data(d, buf, size);
        }
    }
    exif_loader_unref(l);
    if (!d)
        return -1;

    ExifByteOrder order = exif_data_get_byte_order(d);
    ExifEntry *e = entry(d, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
    if (e && e->format == EXIF_FORMAT_SHORT && e->components >= 1 && e->data && e->size >= 2) {
        int o = exif_get_short(e->data, order);
        out->orientation = o >= 1 && o <= 8 ? o : 0;
    }

    static const struct {
        ExifTag tag, offset;
        const char *name;
    } dates[] = {
        {EXIF_TAG_DATE_TIME_ORIGINAL, (ExifTag)0x9011, "DateTimeOriginal"},
        {EXIF_TAG_DATE_TIME_DIGITIZED, (ExifTag)0x9012, "DateTimeDigitized"},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0] && !out->date[0]; i++) {
        char s[64], off[16];
        ascii(entry(d, EXIF_IFD_EXIF, dates[i].tag), s, sizeof s);
        ascii(entry(d, EXIF_IFD_EXIF, dates[i].offset), off, sizeof off);
        if (s[0] && iso_date(s, off, out->date, sizeof out->date) == 0)
            snprintf(out->date_tag, sizeof out->date_tag, "%s", dates[i].name);
    }

    char make[64], model[64];
    ascii(entry(d, EXIF_IFD_0, EXIF_TAG_MAKE), make, sizeof make);
    ascii(entry(d, EXIF_IFD_0, EXIF_TAG_MODEL), model, sizeof model);
    /* models often repeat the make: "Canon" + "Canon EOS 80D" */
    if (make[0] && strncmp(model, make, strlen(make)) != 0)
        snprintf(out->camera, sizeof out->camera, "%s%s%s", make, model[0] ? " " : "", model);
    else
        snprintf(out->camera, sizeof out->camera, "%s", model[0] ? model : make);
    exif_data_unref(d);
    return 0;
}

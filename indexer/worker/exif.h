/* EXIF: what a camera or a phone says about a photo.  Used by the image
 * extractor to turn a photo taken sideways upright before OCR, and to date
 * it when nothing better exists. */
#ifndef TG_EXIF_H
#define TG_EXIF_H

typedef struct {
    int orientation;   /* 1..8 as in the EXIF specification; 0 when absent */
    char date[32];     /* DateTimeOriginal as ISO 8601 ("2024-08-03T16:42:10",
                        * with its UTC offset when OffsetTimeOriginal gives one);
                        * "" when absent or not a real date */
    char date_tag[32]; /* "DateTimeOriginal" or "DateTimeDigitized" */
    char camera[128];  /* "Make Model", printable ASCII; "" when absent */
} tg_exif_t;

/* Reads the EXIF block of a JPEG file.  Returns 0 with out filled in (fields
 * that are absent or malformed are left empty), -1 if the file has no
 * readable EXIF block (out is then all empty).  Never fails otherwise. */
int tg_exif_read(const char *path, tg_exif_t *out);

#endif

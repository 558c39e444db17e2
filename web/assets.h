/* The files of web/static/, embedded into the program at build time so that
 * testigo-web is one file that needs nothing beside the archive.  The table
 * is generated into the build folder (scripts/embed.sh); it is not kept in
 * git. */
#ifndef TG_WEB_ASSETS_H
#define TG_WEB_ASSETS_H

#include "util.h"

typedef tg_blob_t web_asset_t; /* name: the file's name in web/static/ */

/* Ends with an entry whose name is NULL. */
extern const web_asset_t web_assets[];

#endif

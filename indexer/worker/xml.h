/* XML and HTML parsing for the extractors of web pages, office documents
 * and mail bodies: a read-only view of a parsed tree.  The only interface to
 * libxml2; no type of libxml2 appears here (nodes are opaque pointers that
 * live as long as their document).
 *
 * The parsers never touch the network or the file system: no DTD is
 * loaded, no external entity is fetched or expanded, XInclude is off, and
 * libxml2's own limits (nesting depth, text node size, entity expansion)
 * stay on.  Damage is recovered from where the parser can; what it cannot
 * read is a TG_ERR_FORMAT with the parser's first error in err.
 *
 * Walking: tg_xml_child, tg_xml_next and tg_xml_parent move around without
 * recursion, so callers walk a tree of any depth in constant stack
 * (tg_xml_walk_next does the usual depth-first order). */
#ifndef TG_XML_H
#define TG_XML_H

#include <stddef.h>

#include "status.h"

typedef struct tg_xml tg_xml_t;
typedef struct tg_xml_node tg_xml_node_t;

typedef enum {
    TG_XML_XML = 0,  /* well-formed XML (office packages, XHTML) */
    TG_XML_HTML = 1, /* HTML as browsers read it (tag soup repaired) */
} tg_xml_mode_t;

/* Parses len bytes of data.  encoding: the bytes' encoding ("UTF-8" when
 * the caller converted them), which overrides any declaration inside;
 * NULL lets the document's own declaration (or UTF-8) decide.  Returns
 * TG_OK with *out (free with tg_xml_free), or TG_ERR_FORMAT (err: why) when
 * nothing could be parsed; an XML document with errors that the parser
 * recovered from comes back TG_OK, with *recovered set to 1 if given. */
tg_status_t tg_xml_parse(const char *data, size_t len, tg_xml_mode_t mode, const char *encoding,
                         tg_xml_t **out, int *recovered, char *err, size_t errlen);
/* Accepts NULL. */
void tg_xml_free(tg_xml_t *doc);

/* The root element, or NULL for an empty document. */
tg_xml_node_t *tg_xml_root(const tg_xml_t *doc);
/* First child, next sibling, parent (NULL when none). */
tg_xml_node_t *tg_xml_child(const tg_xml_node_t *n);
tg_xml_node_t *tg_xml_next(const tg_xml_node_t *n);
tg_xml_node_t *tg_xml_parent(const tg_xml_node_t *n);
/* The node after n in depth-first document order below top, or NULL at
 * the end; with skip_children, n's own children are passed over. */
tg_xml_node_t *tg_xml_walk_next(const tg_xml_node_t *top, const tg_xml_node_t *n,
                                int skip_children);

/* 1 for an element, 0 otherwise. */
int tg_xml_is_element(const tg_xml_node_t *n);
/* The text of a text or CDATA node (UTF-8), else NULL. */
const char *tg_xml_text(const tg_xml_node_t *n);
/* An element's local name (HTML names are lower case), else "". */
const char *tg_xml_name(const tg_xml_node_t *n);
/* An element's namespace URI, or NULL. */
const char *tg_xml_ns(const tg_xml_node_t *n);
/* 1 if n is an element named name in a namespace whose URI ends with
 * ns_suffix (NULL: any namespace, or none). */
int tg_xml_is(const tg_xml_node_t *n, const char *ns_suffix, const char *name);
/* The value of an element's attribute (local name, any namespace), or
 * NULL; owned by the document. */
const char *tg_xml_attr(const tg_xml_node_t *n, const char *name);

/* Calls cb(ctx, local name, value) for each attribute of element n, in
 * document order, until cb returns non-zero.  Values are UTF-8, owned by
 * the document; an attribute whose value is an unexpanded entity
 * reference gets "". */
typedef int (*tg_xml_attr_cb)(void *ctx, const char *name, const char *value);
void tg_xml_each_attr(const tg_xml_node_t *n, tg_xml_attr_cb cb, void *ctx);

/* The encoding named by an XML declaration at the start of data
 * (`<?xml version="1.0" encoding="ISO-8859-1"?>`, after an optional UTF-8
 * byte order mark), copied into out; 0 if found, -1 if not. */
int tg_xml_decl_encoding(const char *data, size_t len, char *out, size_t outlen);

#endif

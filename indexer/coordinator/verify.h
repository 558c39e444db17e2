/* testigo-index --verify: the fixity check of an archive.
 *
 * Re-hashes every original in ARCHIVE/store (each is named by its SHA-256,
 * so its name is its expected digest), reports originals that were altered
 * and documents of the index whose original is missing, and checks the
 * ingest log's hash chain and its head as recorded in the index.  Reads
 * only; never repairs anything (evidence is reported, not rewritten). */
#ifndef TG_VERIFY_H
#define TG_VERIFY_H

/* Runs the check on the archive folder and prints the report on stdout.
 * Returns the exit status: 0 all intact, 1 problems found, 2 the check could
 * not run (not an archive, unreadable index). */
int tg_verify_run(const char *archive, int verbose);

#endif

#!/bin/sh
# The main job on the sample corpus: index corpus/ into ./archive, show a
# few searches, then serve the archive at http://127.0.0.1:$PORT/ (8080 by
# default) until Ctrl-C.  Run by `make demo` after the build.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
archive=${TESTIGO_ARCHIVE:-$top/archive}
echo "== Indexing corpus/ into $archive"
# exit status 1 means some files could not be read (the corpus has a
# damaged and a password-protected PDF on purpose): that is expected here
bin/testigo-index --archive "$archive" corpus || [ $? -eq 1 ]
for q in 'rodriguez' '"fue detenido"' 'detenidos type:pdf' 'arrested lang:en' 'date:2024'; do
    echo
    echo "== testigo-search '$q'"
    bin/testigo-search --archive "$archive" --limit 3 "$q" || true
done
echo
echo "Try your own: bin/testigo-search --archive $archive 'QUERY'   (see docs/query.md)"
port=${PORT:-8080}
echo
echo "== Serving $archive: open the address below in a browser (Ctrl-C to stop)"
exec bin/testigo-web --archive "$archive" --listen "127.0.0.1:$port"

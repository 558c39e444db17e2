#!/bin/sh
# Page images: first and cached views (bench/pages.py); prints a Markdown section.
exec python3 "$(dirname "$0")/pages.py" "$@"

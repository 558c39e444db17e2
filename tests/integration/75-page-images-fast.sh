#!/bin/sh
# Page images drawn the fast ways (docs/pages.md, "Measured") draw the same
# page: a scanner's PDF page (one picture over the page, drawn larger and
# averaged down), photos decoded at a fraction of their size, scaled, then
# turned upright by their EXIF orientation (6 and 8), large grey and
# colour PNGs (halved by averages as they are read), a 1-bit TIFF's second page (to grey and smaller in
# one pass).  Each page is white with one black block at a known
# place (mkpagefix.py): the PNG has the page's proportions, the block is
# where it is on the page (not mirrored, not turned), and the page's size
# in its units, which word boxes are measured in, is the whole upright
# original's.
. "$(dirname "$0")/lib.sh"
A=$T/archive
python3 "$TOP/tests/integration/mkpagefix.py" make "$T/in"
status_is 0 "the pages are indexed" index --no-ocr "$T/in"
sha() { sha256sum "$T/in/$1" | cut -c1-64; }

# page NAME KIND PAGE WIDTH UNITS_W UNITS_H: draws it, checks size and block
page() {
    _s=$(sha "$1")
    _png=$A/pages/$(echo "$_s" | cut -c1-2)/$_s-$3-$4.png
    _json=$A/pages/$(echo "$_s" | cut -c1-2)/$_s-$3.json
    status_is 0 "$1 page $3 drawn $4 pixels wide" \
        "$BIN/testigo-index" --render-page "$A" "$_s" "$2" "$3" "$4"
    _r=$(python3 "$TOP/tests/integration/mkpagefix.py" check "$_png")
    # the PNG's size; the mean grey of the block's place, mirrored, flipped, turned
    read -r _w _h _in _mx _my _tr <<EOR
$_r
EOR
    _want_h=$(python3 -c "print(round($4 * $6 / $5))")
    check "$1: $4 pixels wide, the page's proportions ($_w x $_h, $_want_h high)" \
        [ "$_w" = "$4" ] && [ "$_h" -ge $((_want_h - 1)) ] && [ "$_h" -le $((_want_h + 1)) ]
    check "$1: the block is dark where it is on the page (grey $_in)" [ "$_in" -lt 60 ]
    check "$1: nothing mirrored, flipped or turned (grey $_mx, $_my, $_tr)" \
        [ "$_mx" -gt 200 ] && [ "$_my" -gt 200 ] && [ "$_tr" -gt 200 ]
    check "$1: its page is the whole original's size ($5 x $6)" \
        python3 -c "import json,sys; j=json.load(open('$_json')); sys.exit(not (abs(j['page_w'] - $5) < 0.01 and abs(j['page_h'] - $6) < 0.01))"
}

page scan.pdf pdf 1 1000 595 842
page scan.pdf pdf 1 200 595 842
page scan.pdf pdf 1 2000 595 842
page photo6.jpg image 1 1000 2480 3509
page photo8.jpg image 1 1000 2480 3509
page photo6.jpg image 1 200 2480 3509
page scan.png image 1 1000 2480 3508
page scan.png image 1 200 2480 3508
page colour.png image 1 1000 2481 3509
page colour.png image 1 2000 2481 3509
page fax.tif image 2 1000 1700 2200
page fax.tif image 2 200 1700 2200
finish

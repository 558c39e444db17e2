# The page and the excerpt of a hit are where the whole match is, for every
# operator: phrases, NEAR, AND, OR, NOT, fields.  A 5,000-page PDF written
# here (tests/integration/mkpdf.py), and freeculture.pdf when
# ../shared/testdata/real is present.
. "$(dirname "$0")/lib.sh"
A=$T/archive
mkdir "$T/in"
python3 "$TOP/tests/integration/mkpdf.py" pages "$T/in/paginas.pdf" 5000

status_is 0 "a 5,000-page PDF is indexed" index "$T/in"

# page_is DESCRIPTION QUERY PAGE TEXT: the first hit is on PAGE and its
# snippet holds TEXT
page_is() {
    d=$1 q=$2 want=$3 text=$4
    got=$(json_get "$q" 'd["results"][0]["page"]' 2>&1 || true)
    snip=$(json_get "$q" 'd["results"][0]["snippet"]' 2>&1 || true)
    case $snip in
    *"$text"*) s=1 ;;
    *) s=0 ;;
    esac
    if [ "$got" = "$want" ] && [ $s = 1 ]; then ok "$d"; else
        not_ok "$d: query '$q'"
        echo "#   wanted page $want with '$text'"
        echo "#   got page $got: $snip"
    fi
}

page_is "a single word: its page" 4321 4321 "Pagina 4321"
page_is "a phrase whose first word is on every page" '"Pagina 4321"' 4321 "Pagina 4321"
page_is "a phrase whose words are elsewhere out of order" \
    '"actividades siguieron libres"' 4444 "las actividades siguieron libres"
page_is "NEAR: where the two words are near" 'alfa NEAR omega' 3777 "alfa beta omega"
page_is "NEAR/n on every page" 'pagina NEAR/3 4321' 4321 "Pagina 4321"
page_is "AND: where both words are" 'gamma AND delta' 2500 "gamma y delta"
page_is "implicit AND" 'delta gamma' 2500 "gamma y delta"
page_is "AND with a phrase" '"Pagina 2500" delta' 2500 "gamma y delta"
page_is "OR: where most of its words are" 'kappa OR lambda' 4200 "kappa y lambda"
page_is "NOT: the phrase's page" '"Pagina 4321" NOT ausente' 4321 "Pagina 4321"
page_is "-word: the phrase's page" '"Pagina 4321" -ausente' 4321 "Pagina 4321"
page_is "a field with a phrase" '"Pagina 4321" type:pdf' 4321 "Pagina 4321"
page_is "a word on every page and a phrase" 'relleno "Pagina 4999"' 4999 "Pagina 4999"
page_is "grouping with OR and a phrase" '(ausente OR "Pagina 1234") relleno' 1234 "Pagina 1234"

if [ -d "$REAL/pdf" ]; then
    A=$T/real
    mkdir "$T/real-in"
    cp "$REAL/pdf/pdfjs__freeculture.pdf" "$T/real-in/"
    status_is 0 "freeculture.pdf is indexed" index "$T/real-in"
    page_is "freeculture.pdf: a phrase of common words, on its page" \
        '"activities remained free"' 150 "activities remained free"
    page_is "freeculture.pdf: NEAR" 'remained NEAR/2 activities' 150 "activities remained free"
else
    echo "ok - skip - freeculture.pdf (../shared/testdata/real absent)"
fi
finish

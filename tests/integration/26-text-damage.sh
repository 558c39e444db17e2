# Text that is almost right: UTF-8 and Windows-1252 lines in one file, a
# text file with damage (NUL runs, control bytes) in it, a short Spanish
# paragraph.
. "$(dirname "$0")/lib.sh"
A=$T/archive
mkdir "$T/in"
# UTF-8 lines, then lines in Windows-1252 appended to the same file
printf 'Declaración de José Pérez sobre su detención.\n' >"$T/in/mezcla.txt"
printf 'Declaraci\363n de Mar\355a N\372\361ez sobre el traslado.\n' >>"$T/in/mezcla.txt"
# a testimony with a damaged block in the middle
{
    printf 'Testimonio de Wilmer Briceño sobre la detención de su hermano en Barquisimeto.\n'
    head -c 300 /dev/zero
    printf '\001\002\003\377\376\021\022'
    printf '\nEl traslado al centro de reclusión ocurrió de madrugada, sin aviso a la familia.\n'
} >"$T/in/danado.txt"
# a short, clearly Spanish paragraph (170 bytes)
printf 'El 5 de agosto, funcionarios del SEBIN se llevaron a Marino Alvarado de su casa en Caracas. Su familia no sabe dónde está detenido ni de qué lo acusan; nadie les dice.\n' >"$T/in/corto.txt"

status_is 0 "the files are indexed" index "$T/in"
expect_hits "a UTF-8 line of a mixed file is read as UTF-8" '"José Pérez"' mezcla.txt
expect_hits "...and a Windows-1252 line as Windows-1252" '"María Núñez"' mezcla.txt
check "no mojibake is indexed" sh -c "! grep -q 'Ã' '$A'/text/*/*.txt"
check "the mixed file's charset says so" \
    test "$(json_get '"José Pérez"' 'd["results"][0]["warnings"][0]')" = \
    "lines in UTF-8 and lines in Windows-1252: each line read in its own"
expect_hits "a text file with damage in it is indexed as text" 'traslado madrugada' danado.txt
check "its type is text" test "$(json_get madrugada 'd["results"][0]["kind"]')" = text
json_get madrugada 'd["results"][0]["warnings"]' | grep -q '305 bytes that are not text' &&
    ok "a warning counts the bytes left out" ||
    not_ok "warning: $(json_get madrugada 'd["results"][0]["warnings"]')"
check "a short Spanish paragraph is Spanish" test "$(json_get SEBIN 'd["results"][0]["lang"]')" = es
finish

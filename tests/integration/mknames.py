#!/usr/bin/env python3
"""Files whose names lie or attack a terminal, for 57-names.sh (python3
standard library only).

usage: mknames.py DIR   writes under DIR:
  esc<ESC>[31mrojo<ESC>[0m.txt      an ANSI colour sequence         (word: alfaescape)
  titulo<ESC>]0;pwned<BEL>.txt      an OSC sequence: retitles a window (word: omegatitulo)
  linea<LF>falsa.txt                a newline: forges a line        (word: betanewline)
  testimonio<U+202E>txt.exe         a right-to-left override: reads "testimonioexe.txt"
                                                                    (word: gammarlo)
  aislado<U+2067>fdp.exe<U+2069>.txt  a right-to-left isolate     (word: epsilonrli)
  malo<ESC>[2J.pdf                  a damaged PDF: an error line names it
  adjuntos.zip                      bueno.txt (word: legitimo), bueno.txt<NUL>.exe
                                    (word: deltanul), otro.txt
"""
import os
import struct
import sys
import zlib


def zip_raw(members):
    """A zip of stored members whose names are raw bytes: Python's zipfile
    cuts a name at a NUL, so the headers are written here."""
    out, cd = bytearray(), bytearray()
    for name, data in members:
        crc = zlib.crc32(data)
        off = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\3\4", 20, 0, 0, 0x0000, 0x5905, crc,
                           len(data), len(data), len(name), 0) + name + data
        cd += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\1\2", 20, 20, 0, 0, 0x0000, 0x5905, crc,
                          len(data), len(data), len(name), 0, 0, 0, 0, 0, off) + name
    end = struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0, len(members), len(members), len(cd),
                      len(out), 0)
    return bytes(out + cd + end)


def main():
    out = os.fsencode(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    files = {
        b"esc\x1b[31mrojo\x1b[0m.txt": b"alfaescape\n",
        b"titulo\x1b]0;pwned\x07.txt": b"omegatitulo\n",
        b"linea\nfalsa.txt": b"betanewline\n",
        "testimonio\u202etxt.exe".encode(): b"gammarlo\n",
        "aislado\u2067fdp.exe\u2069.txt".encode(): b"epsilonrli\n",
        b"malo\x1b[2J.pdf": b"%PDF-1.4\nnot really\n",
        b"adjuntos.zip": zip_raw([(b"bueno.txt", b"legitimo contenido\n"),
                                  (b"bueno.txt\0.exe", b"deltanul ejecutable\n"),
                                  (b"otro.txt", b"otro texto\n")]),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

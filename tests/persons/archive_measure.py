#!/usr/bin/env python3
"""Entries of `testigo-search --persons` per real person across an archive of
tests/persons/docs (docs/persons.md, "One person across the archive").

A real person is a labelled display name (labels.json), folded (case,
accents, punctuation, the "SURNAME, Given" order aside); the labels name a
person the same way in every document.  An entry covers the real persons
whose folded name is one of its keys.  Prints: real persons, entries,
entries per real person, persons split over several entries, entries that
join two labelled persons, entries that are no labelled person.

usage: archive_measure.py PERSONS.json LABELS.json"""
import json
import sys
import unicodedata


def fold(s):
    if "," in s:
        a, b = s.split(",", 1)
        s = b + " " + a
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c if c.isalnum() else " " for c in s if not unicodedata.combining(c))
    return " ".join(s.split())


persons = json.load(open(sys.argv[1]))["persons"]
labels = json.load(open(sys.argv[2]))["documents"]
real = {}
for doc in labels.values():
    for p in doc["persons"]:
        real.setdefault(fold(p["name"]), p["name"])
covered = {}
joined = unlabelled = 0
for e in persons:
    keys = set(e.get("keys", [e["key"]]))
    hit = [k for k in keys if k in real]
    for k in hit:
        covered.setdefault(k, []).append(e["name"])
    joined += len(hit) > 1
    unlabelled += not hit
split = {real[k]: v for k, v in covered.items() if len(v) > 1}
missing = [real[k] for k in real if k not in covered]
print(f"real persons {len(real)}, entries {len(persons)}, "
      f"entries per real person {len(persons) / len(real):.3f}")
print(f"split over several entries: {len(split)} {sorted(split.items())}")
print(f"entries joining labelled persons: {joined}; entries of no labelled person: {unlabelled}; "
      f"labelled persons without an entry: {len(missing)} {missing}")

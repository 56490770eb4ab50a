"""Regenerate ``trainers/data/words.txt``, the broad word list mixed into tiny tokenizers' text.

Sources (installed with pip, only to run this script): the 20,000 most frequent English words of
``wordfreq`` 3.1.1 and the Latin-script first names of ``faker`` 40.54.0's locales. The project's
held-out test names (templates/names.yaml ``heldout``, every sex) are left out, so the test split's names
reach the tokenizer only as pieces learnt from other words. Run:
``python -m trainers.make_wordlist`` (writes the file; the committed copy is what init-model uses).
"""

from __future__ import annotations

import re
from pathlib import Path

OUT = Path(__file__).parent / "data" / "words.txt"
LOCALES = (
    "en_US en_GB en_IN en_AU en_NZ en_IE es_ES es_MX fr_FR de_DE it_IT pt_BR pt_PT nl_NL pl_PL "
    "sv_SE da_DK no_NO fi_FI tr_TR cs_CZ ro_RO hu_HU hr_HR sk_SK sl_SI id_ID tl_PH sw yo_NG "
    "zu_ZA ga_IE et_EE lv_LV lt_LT az_AZ"
).split()
_LATIN = re.compile(r"^[A-Z][a-z]{1,14}$")


def first_names() -> set[str]:
    import importlib

    names: set[str] = set()
    for loc in LOCALES:
        try:
            mod = importlib.import_module(f"faker.providers.person.{loc}")
        except ImportError:
            continue
        prov = mod.Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            pool = getattr(prov, attr, ())
            names |= {n for n in pool if _LATIN.match(n)}
    return names


def main() -> int:
    from wordfreq import top_n_list

    from verifiers.blood_relations.names import flat

    held = set(flat(held_out=True))
    words = [w for w in top_n_list("en", 20000) if w.isascii() and w.isalpha()]
    names = sorted(first_names() - held)
    lines = sorted(set(words)) + names
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(words)} words and {len(names)} names to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

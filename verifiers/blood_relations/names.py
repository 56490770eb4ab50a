"""Sex tags of the first names in ``templates/names.yaml``: ``F``, ``M`` or ``N`` (neutral).

The name pools are shared by every family (:func:`generators.pipeline.name_pool` flattens
them); blood relations names each person from the pool of their sex, and a person whose
sex the puzzle never states from the neutral pool, so that a name never contradicts, nor
gives away, a sex.
"""

from __future__ import annotations

from functools import lru_cache

from templates import data

SEX_KEYS = {"female": "F", "male": "M", "neutral": "N"}


def tagged(block: dict) -> list[tuple[str, str]]:
    """(name, tag) for a ``{female: [...], male: [...], neutral: [...]}`` block."""
    return [(n, tag) for key, tag in SEX_KEYS.items() for n in block.get(key, ())]


def blocks(held_out: bool, broad: bool = False) -> list[dict]:
    """The sex-tagged blocks of the training pools (per culture, then neutral, then with
    ``broad`` the ~12k names of ``names_broad.yaml``) or the held-out one."""
    names = data("names.yaml")
    if held_out:
        return [names["heldout"]]
    extra = [data("names_broad.yaml")] if broad else []
    return [*names["pools"].values(), {"neutral": names["neutral"]}, *extra]


def flat(held_out: bool, broad: bool = False) -> list[str]:
    """Every name of the training pools (or the held-out one) in file order: female, male, neutral."""
    return [n for b in blocks(held_out, broad) for n, _ in tagged(b)]


@lru_cache(maxsize=1)
def name_sexes() -> dict[str, str]:
    """Every name (training pools, the broad pool and the held-out pool) -> its tag."""
    return {n: tag for held in (False, True) for b in blocks(held, True) for n, tag in tagged(b)}

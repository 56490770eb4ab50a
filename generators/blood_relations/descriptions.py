"""Descriptions of people by steps ("his mother's father"): build, read and walk them."""

from __future__ import annotations

from verifiers.blood_relations.relations import World
from verifiers.blood_relations.spec import Of, Ref

from .terms import compose

STEP_SEX = {"father": "M", "mother": "F", "husband": "M", "wife": "F"}


def desc(person: int, steps: list[str]) -> Ref | Of:
    d: Ref | Of = Ref(person=person)
    for st in steps:
        d = Of(step=st, of=d)
    return d


def map_desc(d, m: dict[int, int]):
    if d.kind == "ref":
        return Ref(person=m[d.person])
    return Of(step=d.step, of=map_desc(d.of, m))


def desc_base(d) -> int:
    while d.kind == "of":
        d = d.of
    return d.person


def desc_steps(d) -> list[str]:
    out = []
    while d.kind == "of":
        out.append(d.step)
        d = d.of
    return out[::-1]


def path_people(d, w: World) -> list[int]:
    """The people a description walks through, from its base person to the one it names."""
    cur = desc_base(d)
    out = [cur]
    for st in desc_steps(d):
        cur = {"father": w.father, "mother": w.mother}.get(st, w.spouse)[cur]
        out.append(cur)
    return out


def restep(people: list[int], w: World, base) -> object:
    """A description along ``people`` with the step words of world ``w``."""
    d = base
    for u, v in zip(people, people[1:], strict=False):
        if w.father[u] == v:
            st = "father"
        elif w.mother[u] == v:
            st = "mother"
        else:
            st = "husband" if w.sex[v] == "M" else "wife"
        d = Of(step=st, of=d)
    return d


def chain_rel(steps: list[str]) -> str | None:
    """The relation of the end of a description chain to its start ("my father's mother":
    paternal grandmother)."""
    r: str | None = None
    for st in steps:
        r = st if r is None else compose(st, r)
        if r is None:
            return None
    return r

"""Hidden family trees for the blood-relations family, and fast relation look-ups on them.

A world is a small family tree over 2–5 generations: a root couple, their children, the
children's spouses (some with their own parents and siblings: in-law families), and so on
down. It obeys every axiom of :mod:`verifiers.blood_relations.relations` by construction (both parents or
none, parents married, monogamy, no marriage between relatives, one generation per link).
The graph view (:func:`graph`) is a networkx ``DiGraph`` of parent and spouse links.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import networkx as nx

from verifiers.blood_relations.relations import TERMS, World, gendered
from verifiers.blood_relations.spec import HiddenWorld

PRIMITIVE = ("parent", "child", "sibling", "spouse")
COMPOUND = (
    "grandparent",
    "grandchild",
    "pibling",
    "nibling",
    "cousin",
    "parent-in-law",
    "child-in-law",
    "sibling-in-law",
    "great-grandparent",
    "great-grandchild",
)


@dataclass
class FamilyTree:
    """A mutable world under construction; :meth:`freeze` gives the immutable view."""

    sex: list[str] = field(default_factory=list)
    father: list[int] = field(default_factory=list)
    mother: list[int] = field(default_factory=list)
    spouse: list[int] = field(default_factory=list)
    gen: list[int] = field(default_factory=list)
    kids: list[list[int]] = field(default_factory=list)

    def add(self, sex: str, gen: int, father: int = -1, mother: int = -1) -> int:
        i = len(self.sex)
        self.sex.append(sex)
        self.father.append(father)
        self.mother.append(mother)
        self.spouse.append(-1)
        self.gen.append(gen)
        self.kids.append([])
        if father >= 0:
            self.kids[father].append(i)
            self.kids[mother].append(i)
        return i

    def marry(self, a: int, b: int) -> None:
        self.spouse[a], self.spouse[b] = b, a

    def freeze(self, order: list[int] | None = None) -> tuple[World, list[int]]:
        """The world with people renumbered so that ``order`` comes first; and the new order."""
        n = len(self.sex)
        order = list(order or [])
        rest = [i for i in range(n) if i not in set(order)]
        perm = order + rest
        new = {old: k for k, old in enumerate(perm)}

        def m(v: int) -> int:
            return new[v] if v >= 0 else -1

        w = World(
            tuple(self.sex[o] for o in perm),
            tuple(m(self.father[o]) for o in perm),
            tuple(m(self.mother[o]) for o in perm),
            tuple(m(self.spouse[o]) for o in perm),
        )
        return w, perm


def sample_tree(
    rng: random.Random,
    generations: int = 3,
    max_people: int = 24,
    kids: tuple[int, int] = (1, 3),
    marry: float = 0.75,
    inlaw_family: float = 0.35,
) -> FamilyTree:
    """A random family over ``generations`` generations with at most ``max_people`` people."""
    f = FamilyTree()
    h = f.add("M", 0)
    w = f.add("F", 0)
    f.marry(h, w)
    queue = [(h, w)]
    while queue:
        a, b = queue.pop(0)
        g = f.gen[a]
        if g + 1 >= generations:
            continue
        dad, mum = (a, b) if f.sex[a] == "M" else (b, a)
        for _ in range(rng.randint(*kids)):
            if len(f.sex) >= max_people:
                break
            c = f.add(rng.choice("MF"), g + 1, dad, mum)
            if len(f.sex) < max_people and rng.random() < marry:
                s = _spouse_for(f, c, rng, inlaw_family, max_people)
                if g + 2 < generations:
                    queue.append((c, s))
    return f


def _spouse_for(f: FamilyTree, c: int, rng: random.Random, inlaw: float, cap: int) -> int:
    """A new spouse for ``c``; sometimes with parents and a sibling (an in-law family)."""
    sex = "F" if f.sex[c] == "M" else "M"
    g = f.gen[c]
    if g >= 1 and rng.random() < inlaw and len(f.sex) + 4 <= cap:
        pa = f.add("M", g - 1)
        ma = f.add("F", g - 1)
        f.marry(pa, ma)
        s = f.add(sex, g, pa, ma)
        if rng.random() < 0.6:
            f.add(rng.choice("MF"), g, pa, ma)
    else:
        s = f.add(sex, g)
    f.marry(c, s)
    return s


def graph(w: World) -> nx.DiGraph:
    """Parent links (parent -> child, kind='parent') and spouse links (both ways)."""
    g = nx.DiGraph()
    g.add_nodes_from((i, {"sex": s}) for i, s in enumerate(w.sex))
    for c in range(len(w.sex)):
        for p in (w.father[c], w.mother[c]):
            if p >= 0:
                g.add_edge(p, c, kind="parent")
        if w.spouse[c] >= 0:
            g.add_edge(c, w.spouse[c], kind="spouse")
    return g


def generations(w: World) -> list[int]:
    """Generation of each person: a child is one below its parents, spouses are level.

    Found by a breadth-first walk over parent and spouse links from each unvisited person;
    each connected family starts at 0 for its top generation.
    """
    n = len(w.sex)
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for c in range(n):
        for p in (w.father[c], w.mother[c]):
            if p >= 0:
                adj[p].append((c, 1))
                adj[c].append((p, -1))
        if w.spouse[c] >= 0:
            adj[c].append((w.spouse[c], 0))
    gen = [None] * n
    for start in range(n):
        if gen[start] is not None:
            continue
        gen[start] = 0
        comp, queue = [start], [start]
        while queue:
            p = queue.pop()
            for q, d in adj[p]:
                if gen[q] is None:
                    gen[q] = gen[p] + d
                    comp.append(q)
                    queue.append(q)
        low = min(gen[p] for p in comp)
        for p in comp:
            gen[p] -= low
    return gen  # type: ignore[return-value]


class Relatives:
    """Fast look-ups of "q is the <term> of p" on one world (no path search)."""

    def __init__(self, w: World):
        self.w = w
        n = len(w.sex)
        self.kids: list[list[int]] = [[] for _ in range(n)]
        for c in range(n):
            if w.father[c] >= 0:
                self.kids[w.father[c]].append(c)
                self.kids[w.mother[c]].append(c)

    def parents(self, p: int) -> list[int]:
        f = self.w.father[p]
        return [f, self.w.mother[p]] if f >= 0 else []

    def siblings(self, p: int) -> list[int]:
        f = self.w.father[p]
        return [c for c in self.kids[f] if c != p] if f >= 0 else []

    def spouses(self, p: int) -> list[int]:
        s = self.w.spouse[p]
        return [s] if s >= 0 else []

    def base_of(self, base: str, p: int) -> list[int]:
        """Everyone who is the ``base`` (neutral term) of ``p``."""
        P, K, S, M = self.parents, self.kids.__getitem__, self.siblings, self.spouses
        if base == "parent":
            return P(p)
        if base == "child":
            return list(K(p))
        if base == "sibling":
            return S(p)
        if base == "spouse":
            return M(p)
        if base == "grandparent":
            return [g for q in P(p) for g in P(q)]
        if base == "grandchild":
            return [g for q in K(p) for g in K(q)]
        if base == "great-grandparent":
            return [g for q in P(p) for r in P(q) for g in P(r)]
        if base == "great-grandchild":
            return [g for q in K(p) for r in K(q) for g in K(r)]
        if base == "pibling":
            sibs = [s for q in P(p) for s in S(q)]
            return sibs + [m for s in sibs for m in M(s)]
        if base == "nibling":
            return [c for s in S(p) for c in K(s)] + [c for m in M(p) for s in S(m) for c in K(s)]
        if base == "cousin":
            return [c for q in P(p) for s in S(q) for c in K(s)]
        if base == "parent-in-law":
            return [g for m in M(p) for g in P(m)]
        if base == "child-in-law":
            return [m for c in K(p) for m in M(c)]
        if base == "sibling-in-law":
            return [s for m in M(p) for s in S(m)] + [m for s in S(p) for m in M(s)]
        raise ValueError(base)

    def related(self, p: int, bases: tuple[str, ...]) -> list[tuple[int, str]]:
        """(q, term): q is the term (gendered by q's sex) of p, one entry per person q."""
        seen: dict[int, str] = {}
        for base in bases:
            for q in self.base_of(base, p):
                if q != p and q not in seen:
                    seen[q] = gendered(base, self.w.sex[q])
        return list(seen.items())


def is_valid(w: World) -> bool:
    """Whether ``w`` obeys the world axioms of :mod:`verifiers.blood_relations.relations` (for tests)."""
    gen = generations(w)
    for p in range(len(w.sex)):
        f, m, s = w.father[p], w.mother[p], w.spouse[p]
        if (f < 0) != (m < 0):
            return False
        if f >= 0 and (
            w.sex[f] != "M" or w.sex[m] != "F" or w.spouse[f] != m or gen[p] != gen[f] + 1
        ):
            return False
        if s >= 0:
            if w.spouse[s] != p or w.sex[s] == w.sex[p] or gen[s] != gen[p]:
                return False
            if f >= 0 and f == w.father[s]:
                return False
    return True


def term_sex(term: str) -> str | None:
    return TERMS[term].sex


def hidden(w: World) -> HiddenWorld:
    """The spec's record of a world (the hidden family every fact is true of)."""
    return HiddenWorld(sex=w.sex, father=w.father, mother=w.mother, spouse=w.spouse)


def true_term(w: World, a: int, q: int) -> str | None:
    """The primitive term (parent, child, sibling, spouse; gendered) that ``a`` is of ``q``."""
    for base in PRIMITIVE:
        t = gendered(base, w.sex[a])
        if w.holds(t, a, q):
            return t
    return None

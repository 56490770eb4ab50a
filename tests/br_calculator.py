"""An independent relation calculator for the blood-relations tests.

A plain graph walk over the hidden world (parent, child and spouse steps), sharing no code
with the Z3 encoder or the generator: the tests compare every gold label against it.
"""

from __future__ import annotations

from verifiers.blood_relations.spec import HiddenWorld

# walk word (U: to a parent, D: to a child, M: to the spouse) -> (neutral, man's, woman's word)
WORDS = {
    "D": ("parent", "father", "mother"),
    "U": ("child", "son", "daughter"),
    "UD": ("sibling", "brother", "sister"),
    "M": ("spouse", "husband", "wife"),
    "DD": ("grandparent", "grandfather", "grandmother"),
    "UU": ("grandchild", "grandson", "granddaughter"),
    "DDD": ("great-grandparent", "great-grandfather", "great-grandmother"),
    "UUU": ("great-grandchild", "great-grandson", "great-granddaughter"),
    "UDD": ("", "uncle", "aunt"),
    "MUDD": ("", "uncle", "aunt"),
    "UUD": ("", "nephew", "niece"),
    "UUDM": ("", "nephew", "niece"),
    "UUDD": ("cousin", "cousin", "cousin"),
    "DM": ("parent-in-law", "father-in-law", "mother-in-law"),
    "MU": ("child-in-law", "son-in-law", "daughter-in-law"),
    "UDM": ("sibling-in-law", "brother-in-law", "sister-in-law"),
    "MUD": ("sibling-in-law", "brother-in-law", "sister-in-law"),
}


def walks(world: HiddenWorld, x: int, y: int, limit: int = 4) -> set[tuple[str, tuple[int, ...]]]:
    """Every simple walk from x to y of at most ``limit`` steps: (word, nodes)."""
    sex, fa, mo, sp = world.sex, world.father, world.mother, world.spouse
    n = len(sex)
    kids = {p: [c for c in range(n) if fa[c] == p or mo[c] == p] for p in range(n)}
    out = set()
    stack = [(x, "", (x,))]
    while stack:
        node, word, nodes = stack.pop()
        if node == y and word:
            out.add((word, nodes))
            continue
        if len(word) == limit:
            continue
        steps = [("U", fa[node]), ("U", mo[node]), ("M", sp[node])]
        steps += [("D", c) for c in kids[node]]
        for letter, nxt in steps:
            if nxt >= 0 and nxt not in nodes:
                stack.append((nxt, word + letter, (*nodes, nxt)))
    return out


def relations_by_walk(world: HiddenWorld, x: int, y: int, qualified: bool = False) -> set[str]:
    """What x is of y, by naming every walk (the answer words only)."""
    found = set()
    for word, nodes in walks(world, x, y):
        if word not in WORDS:
            continue
        # "UD" through the father and through the mother name the same sibling; "UM"-style
        # detours are not in the table. A walk through a parent's spouse is skipped.
        name = WORDS[word][1 if world.sex[x] == "M" else 2]
        if not name:
            continue
        if qualified and word in ("DD", "UDD", "MUDD"):
            parent_of_y = nodes[-2]  # the last step goes down from y's parent to y
            side = "paternal" if world.sex[parent_of_y] == "M" else "maternal"
            name = f"{side} {name}"
        found.add(name)
    return found

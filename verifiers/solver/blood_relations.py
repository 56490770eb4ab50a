"""Z3 encoding of blood-relations specs, as SMT-LIB text.

People live in an uninterpreted sort ``P``: a family of any size. The named people are
distinct constants ``p0..``; ``nn`` stands for "nobody". ``fa`` gives a person's father,
``sp`` their spouse (``nn`` for none), ``ml`` their sex (true: a man) and ``gn`` their
generation. A person's mother is their father's wife, ``(sp (fa x))``: the parents of a
child are married (axiom 2 of :mod:`verifiers.blood_relations.relations`), so no second function is needed.
Every relation term compiles from its path definition in :mod:`verifiers.blood_relations.relations`.

The world axioms are universally quantified; the encoder asserts instances of them over the
person terms that the facts or any relation between the queried pair mention (a finite
set T). Each instance is true in every family, so an ``unsat`` (the answer is forced, a
distractor is impossible) is a proof about families of any size, whichever instances are
asserted. A ``sat`` is only evidence; the generator never labels an item ambiguous from it
alone. The axioms come in two parts per term t (:data:`_AXIOM_UP`, :data:`_AXIOM_SPOUSE`):
what t's father implies, asserted when ``(fa t)`` is in T, and what t's spouse implies,
asserted when ``(sp t)`` is in T. A part about a link that nothing mentions only speaks of
terms that no fact, answer or distractor reads, so it is left out: the SMT problem is about
half the size (the proof about twice as fast). ``tests/test_blood_axioms.py`` checks that
on built puzzles every verdict (answer, uniqueness, each distractor) is the same as with
every part asserted for every term.
"""

from __future__ import annotations

from ..answers import AMBIGUOUS, UNSOLVABLE, Answer, norm
from ..blood_relations.relations import CANNOT, QUALIFIED_ANSWER_TERMS, TERMS
from ..blood_relations.spec import (
    BloodRelationsSpec,
    Count,
    Desc,
    Rel,
    SexFact,
    expr_text,
    resolve,
)
from . import session
from .session import Encoding

# Axioms per person term p, as one macro: a father is a man with a wife (the mother) one
# generation up; spouses are mutual, of opposite sex, of one generation, not siblings.
_AXIOM = (
    "(define-fun ax{s} ((p P)) Bool (and"
    " (=> (distinct (fa{s} p) nn) (and (ml{s} (fa{s} p)) (distinct (sp{s} (fa{s} p)) nn)"
    " (= (gn{s} p) (+ (gn{s} (fa{s} p)) 1))))"
    " (=> (distinct (sp{s} p) nn) (and (= (sp{s} (sp{s} p)) p) (distinct (ml{s} p) (ml{s} (sp{s} p)))"
    " (= (gn{s} (sp{s} p)) (gn{s} p)) (or (= (fa{s} p) nn) (distinct (fa{s} p) (fa{s} (sp{s} p))))))))"
)
# The same axioms in two parts: what p's father implies, and what p's spouse implies.
_AXIOM_UP = (
    "(define-fun au{s} ((p P)) Bool"
    " (=> (distinct (fa{s} p) nn) (and (ml{s} (fa{s} p)) (distinct (sp{s} (fa{s} p)) nn)"
    " (= (gn{s} p) (+ (gn{s} (fa{s} p)) 1)))))"
)
_AXIOM_SPOUSE = (
    "(define-fun ay{s} ((p P)) Bool"
    " (=> (distinct (sp{s} p) nn) (and (= (sp{s} (sp{s} p)) p) (distinct (ml{s} p) (ml{s} (sp{s} p)))"
    " (= (gn{s} (sp{s} p)) (gn{s} p)) (or (= (fa{s} p) nn) (distinct (fa{s} p) (fa{s} (sp{s} p)))))))"
)
_DECL = (
    "(declare-fun fa{s} (P) P)(declare-fun sp{s} (P) P)(declare-fun ml{s} (P) Bool)"
    "(declare-fun gn{s} (P) Int)"
    "(define-fun sb{s} ((a P) (b P)) Bool (and (distinct a b) (distinct (fa{s} a) nn)"
    " (= (fa{s} a) (fa{s} b))))"
)
STEP = {"father": "fa", "husband": "sp", "wife": "sp"}


class _Builder:
    """Ground SMT-LIB terms for one copy of the universe (functions suffixed by ``s``)."""

    def __init__(self, s: str = ""):
        self.s = s
        self.terms: set[str] = set()
        self.descs: set[str] = set()  # people named by descriptions ("Ravi's mother")

    def fa(self, e: str) -> str:
        t = f"(fa{self.s} {e})"
        self.terms.add(t)
        return t

    def sp(self, e: str) -> str:
        t = f"(sp{self.s} {e})"
        self.terms.add(t)
        return t

    def mo(self, e: str) -> str:
        return self.sp(self.fa(e))

    def ml(self, e: str) -> str:
        return f"(ml{self.s} {e})"

    def desc(self, d: Desc) -> str:
        if d.kind == "ref":
            t = f"p{d.person}"
        elif d.step == "mother":
            t = self.mo(self.desc(d.of))
        elif d.step == "father":
            t = self.fa(self.desc(d.of))
        else:
            t = self.sp(self.desc(d.of))
        self.terms.add(t)
        self.descs.add(t)
        return t

    def exists(self, d: Desc) -> list[str]:
        """A description names somebody (and a husband is a man, a wife a woman)."""
        if d.kind == "ref":
            return []
        e = self.desc(d)
        out = [*self.exists(d.of), f"(distinct {e} nn)"]
        if d.step == "husband":
            out.append(self.ml(e))
        elif d.step == "wife":
            out.append(f"(not {self.ml(e)})")
        return out

    def ups(self, e: str, k: int, side: str | None = None) -> list[str]:
        cur = [e]
        for step in range(k):
            nxt = []
            for c in cur:
                f = self.fa(c)
                if not (step == 0 and side == "maternal"):
                    nxt.append(f)
                if not (step == 0 and side == "paternal"):
                    nxt.append(self.sp(f))
            cur = nxt
        return cur

    def sib(self, a: str, b: str) -> str:
        self.fa(a)
        self.fa(b)
        return f"(sb{self.s} {a} {b})"

    def rel(self, name: str, x: str, y: str) -> str:
        """``x`` is the ``name`` of ``y``, compiled from the term's path cases."""
        t = TERMS[name]
        alts = []
        for c in t.cases:
            xe = self.sp(x) if c.xs else x
            ye = self.sp(y) if c.ys else y
            for a in self.ups(xe, c.xu):
                for b in self.ups(ye, c.yu, t.side):
                    alts.append(self.sib(a, b) if c.sib else f"(= {a} {b})")
        parts = [f"(distinct {x} {y})"]
        if t.sex:
            parts.append(self.ml(x) if t.sex == "M" else f"(not {self.ml(x)})")
        # an equality path from x to y also needs x to exist: x is never nn
        parts.append(alts[0] if len(alts) == 1 else f"(or {' '.join(alts)})")
        return _and(parts)

    def fact(self, f, universe: list[str]) -> str:
        if isinstance(f, Rel):
            a, b = self.desc(f.a), self.desc(f.b)
            parts = [*self.exists(f.a), *self.exists(f.b), self.rel(f.term, a, b)]
            if f.only:
                parts += [f"(=> {self.rel(f.term, z, b)} (= {z} {a}))" for z in universe if z != a]
            return _and(parts)
        if isinstance(f, SexFact):
            e = self.ml(self.desc(f.a))
            return _and([*self.exists(f.a), e if f.sex == "M" else f"(not {e})"])
        raise TypeError(type(f))


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if not parts:
        return "true"
    return parts[0] if len(parts) == 1 else f"(and {' '.join(parts)})"


def _frame(b: _Builder, a: str, c: str, offered: tuple[str, ...]) -> None:
    """Mention every term the offered relations between ``a`` and ``c`` use (for the axioms)."""
    for name in offered or QUALIFIED_ANSWER_TERMS:
        if name in TERMS:
            b.rel(name, a, c)


def witnesses(spec: BloodRelationsSpec) -> list[tuple[int, int]]:
    """(fact index, k) for every Count fact: its k named witnesses ``w{f}_{i}``."""
    return [(i, f.k) for i, f in enumerate(spec.facts) if isinstance(f, Count)]


def _count_fact(b: _Builder, idx: int, f: Count, universe: list[str]) -> str:
    a = b.desc(f.a)
    ws = [f"w{b.s}{idx}_{i}" for i in range(f.k)]
    parts = [*b.exists(f.a)] + [b.rel(f.term, w, a) for w in ws]
    if len(ws) > 1:
        parts.append(f"(distinct {' '.join(ws)})")
    for z in universe:
        if z in ws:
            continue
        eq = " ".join(f"(= {z} {w})" for w in ws)
        parts.append(f"(=> {b.rel(f.term, z, a)} (or false {eq}))")
    return _and(parts)


def _axioms(b: _Builder, full: bool = False) -> list[str]:
    """Axiom instances over the builder's terms: both parts for every term when ``full``,
    else each part only where the link it is about is mentioned (module docstring)."""
    terms = sorted(b.terms - {"nn"})
    if full:
        return [f"(ax{b.s} {t})" for t in terms]
    out = []
    for t in terms:
        if f"(fa{b.s} {t})" in b.terms:
            out.append(f"(au{b.s} {t})")
        if f"(sp{b.s} {t})" in b.terms:
            out.append(f"(ay{b.s} {t})")
    return out


def _encode(spec: BloodRelationsSpec, full_axioms: bool = False) -> Encoding:
    q = spec.question
    named = [f"p{i}" for i in range(len(spec.people))]
    copies = [_Builder("")] + ([_Builder("2")] if q.kind == "expression" else [])
    decls = ["(set-logic QF_UFLIA)(declare-sort P 0)", *(f"(declare-const {p} P)" for p in named)]
    decls.append("(declare-const nn P)")
    counts = witnesses(spec)
    asserts = [f"(distinct {' '.join(named)} nn)" if named else "true"]
    for b in copies:
        s = b.s
        decls.append(_DECL.format(s=s))
        decls.append((_AXIOM if full_axioms else _AXIOM_UP + _AXIOM_SPOUSE).format(s=s))
        for idx, k in counts:
            decls += [f"(declare-const w{s}{idx}_{i} P)" for i in range(k)]
        asserts += [f"(= (fa{s} nn) nn)", f"(= (sp{s} nn) nn)"]
        # terms first (without the universal parts), then instantiate over them
        b.terms.update(named)
        for idx, k in counts:
            b.terms.update(f"w{s}{idx}_{i}" for i in range(k))
        plain = [f for f in spec.all_facts() if not isinstance(f, Count)]
        for f in plain:
            b.fact(f, [])
        qa = b.desc(q.a)
        qb = b.desc(q.b) if q.b is not None else None
        if qb is not None:
            _frame(b, qa, qb, q.offered)
        if q.kind == "count":
            for idx, k in counts:
                for i in range(k):
                    b.rel(q.term, f"w{s}{idx}_{i}", qa)
        universe = sorted({*named, *(f"w{s}{i}_{j}" for i, k in counts for j in range(k))})
        universe += sorted(b.descs - set(universe))
        body = [b.fact(f, universe) for f in plain]
        body += [_count_fact(b, i, spec.facts[i], universe) for i, _ in counts]
        body += b.exists(q.a) + (b.exists(q.b) if q.b is not None else [])
        if q.kind == "expression":
            o = "o2" if s else "o1"
            decls.append(f"(declare-const {o} Int)")
            body.append(f"(and (<= 0 {o}) (< {o} {len(q.options)}))")
            for i, opt in enumerate(q.options):
                rels = [b.fact(r, universe) for r in spec.expression_rels(opt)]
                body.append(f"(=> (= {o} {i}) {_and(rels)})")
            target = b.rel(q.term, qa, qb)
            body.append(target if not s else f"(not {target})")
        asserts += _axioms(b, full_axioms) + body
    return Encoding("".join(decls), "".join(f"(assert {a})" for a in asserts), tuple(named))


_CACHE: dict[str, Encoding] = {}


def encode(spec: BloodRelationsSpec, full_axioms: bool = False) -> Encoding:
    """SMT-LIB declarations and assertions for ``spec`` (cached for the last few specs).

    ``full_axioms``: both axiom parts for every term (the reference the tests compare with).
    """
    key = spec.model_dump_json(exclude={"people"}) + ("+full" if full_axioms else "")
    enc = _CACHE.get(key)
    if enc is None:
        if len(_CACHE) > 64:
            _CACHE.clear()
        enc = _CACHE[key] = _encode(spec, full_axioms)
    return enc


def hidden_term(spec: BloodRelationsSpec) -> str | None:
    """The relation of question.a to question.b in the hidden world (the first answer term)."""
    q = spec.question
    if q.b is None:
        return None
    w = spec.world.world()
    a, b = resolve(q.a, w), resolve(q.b, w)
    if a < 0 or b < 0:
        return None
    rels = w.relations(a, b, q.qualified)
    if q.qualified:
        rels = [r for r in rels if TERMS[r].side] or rels
    return rels[0] if rels else None


def answer_literal(spec: BloodRelationsSpec, answer: Answer) -> str:
    """A term that holds exactly when a model agrees with ``answer`` on the question.

    - relation: X is the answer's term of Y; ``cannot be determined``: the hidden world's
      own relation does not hold (so it is refuted exactly when that relation is forced);
    - count: X has exactly that many (over the closed set of witnesses of a Count fact);
    - expression: option k is the only one consistent with the target relation, and it
      forces it (``o1`` is the option chosen in a world where the relation holds, ``o2``
      one in a world where it does not).
    """
    q = spec.question
    b = _Builder("")
    value = str(answer.value)
    if answer.outcome == UNSOLVABLE:
        return "false"  # refuted whenever the facts are consistent (checked first)
    if answer.outcome == AMBIGUOUS:
        # "cannot be determined" is refuted exactly when the stated value is forced
        plain = answer.model_copy(update={"outcome": ""})
        return f"(not {answer_literal(spec, plain)})"
    if q.kind == "expression":
        texts = [norm(expr_text(spec, o)) for o in q.options]
        k = texts.index(norm(value)) if norm(value) in texts else -1
        return f"(and (= o1 {k}) (distinct o2 {k}))"
    qa = b.desc(q.a)
    if q.kind == "count":
        return _count_literal(spec, b, qa, int(value))
    qb = b.desc(q.b)
    if value == CANNOT:
        hidden = hidden_term(spec)
        return "true" if hidden is None else f"(not {b.rel(hidden, qa, qb)})"
    return b.rel(value, qa, qb)


def _count_literal(spec: BloodRelationsSpec, b: _Builder, qa: str, k: int) -> str:
    """Exactly ``k`` of the witnesses of the closure fact on ``qa``'s children are ``term``."""
    q = spec.question
    for idx, f in enumerate(spec.facts):
        if isinstance(f, Count) and f.term == "child" and b.desc(f.a) == qa:
            ws = [f"w{idx}_{i}" for i in range(f.k)]
            lits = [b.rel(q.term, w, qa) for w in ws]
            if not lits:
                return "true" if k == 0 else "false"
            return f"((_ pbeq {k} {' '.join('1' for _ in lits)}) {' '.join(lits)})"
    return "false"


def _sat(enc: Encoding, extra: str) -> str:
    try:
        return session.run(
            session._header(enc, session.DEFAULT_RLIMIT, reset=False) + extra + "(check-sat)",
            fresh=True,
        )[0]
    except session.BudgetExceeded:
        return "unknown"


def count_solutions(spec: BloodRelationsSpec, cap: int = 2) -> int:
    """How many different answers the encoding admits, counted up to ``cap``.

    Over the instantiated axioms a ``sat`` may be spurious, so this is an upper bound;
    a count of 1 means the answer is forced.
    """
    from ..blood_relations.relations import answer_space

    q = spec.question
    if q.kind == "relation":
        values = [v for v in answer_space(q.qualified) if v != CANNOT]
    elif q.kind == "count":
        values = [str(k) for k in range(13)]
    else:
        values = [expr_text(spec, o) for o in q.options]
    enc = encode(spec)
    found = 0
    for i, v in enumerate(values):
        if q.kind == "expression":
            lit = f"(= o1 {i})"
        else:
            lit = answer_literal(spec, Answer(type="label", value=v))
        found += _sat(enc, f"(assert {lit})") == "sat"
        if found >= cap:
            break
    return found


def check(spec: BloodRelationsSpec, world=None) -> bool:
    """Whether a concrete family (default: the spec's hidden world) satisfies every fact.

    Exact: every person of the world is a constant with its father, spouse and sex pinned,
    and the universe is closed (nobody else exists).
    """
    w = world or spec.world.world()
    n = len(w.sex)
    people = [f"p{i}" for i in range(n)]
    b = _Builder("")
    b.terms.update(people)
    counts = witnesses(spec)
    facts = [b.fact(f, people) for f in spec.all_facts() if not isinstance(f, Count)]
    for idx, _k in counts:
        f = spec.facts[idx]
        a = b.desc(f.a)
        facts.append(
            f"((_ pbeq {f.k} {' '.join('1' for _ in people)}) "
            + " ".join(b.rel(f.term, z, a) for z in people)
            + ")"
        )
    pins = [f"(distinct {' '.join(people)} nn)", "(= (fa nn) nn)", "(= (sp nn) nn)"]
    for i in range(n):
        f, s = w.father[i], w.spouse[i]
        pins.append(f"(= (fa p{i}) {f'p{f}' if f >= 0 else 'nn'})")
        pins.append(f"(= (sp p{i}) {f'p{s}' if s >= 0 else 'nn'})")
        pins.append(f"(ml p{i})" if w.sex[i] == "M" else f"(not (ml p{i}))")
    # nobody outside the world: every person term is one of the constants or nn
    names = " ".join(f"(= x {p})" for p in [*people, "nn"])
    decls = (
        "(declare-sort P 0)"
        + "".join(f"(declare-const {p} P)" for p in people)
        + "(declare-const nn P)"
        + _DECL.format(s="")
        + _AXIOM.format(s="")
        + f"(define-fun known ((x P)) Bool (or {names}))"
    )
    closed = [f"(known {t})" for t in sorted(b.terms)]
    axioms = [f"(ax {p})" for p in people]
    script = (
        f"(set-option :rlimit {session.DEFAULT_RLIMIT})"
        + decls
        + "".join(f"(assert {a})" for a in pins + closed + axioms + facts)
        + "(check-sat)"
    )
    return session.run(script, fresh=True)[0] == "sat"

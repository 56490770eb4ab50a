"""`validate`: re-prove every record of a built folder with Z3."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

from verifiers.answers import Answer, parse
from verifiers.record import Record
from verifiers.solver import session
from verifiers.specs import load_spec

from .config import family_module
from .shards import data_files, read_rows

RLIMIT = 20_000_000


def check_record(row: dict) -> list[str]:
    """Problems with one row: its answer must be the unique solution, each other option refuted."""
    rec = Record.model_validate(row)
    where = f"{rec.family}/{rec.id}"
    try:
        spec = load_spec(rec.family, rec.spec)
        gold = Answer.model_validate_json(rec.answer_json)
    except Exception as e:  # a corrupt row is reported, not raised
        return [f"{where}: spec or answer does not parse ({type(e).__name__})"]
    if spec.canonical_hash() != rec.canonical_hash:
        return [f"{where}: canonical_hash does not match the spec"]
    solver = family_module(rec.family).SOLVER
    enc = solver.encode(spec)
    problems = []
    if rec.status == "unsolvable":
        if session.prove_label(enc, RLIMIT) != "unsolvable":
            problems.append(f"{where}: labelled unsolvable but the clues are satisfiable")
        return problems
    letters = [chr(65 + i) for i in range(len(rec.choices))]
    wrong = []
    for letter, text in zip(letters, rec.choices, strict=True):
        if letter == rec.answer_label:
            if text != rec.answer:
                problems.append(f"{where}: option {letter} is not the answer text")
            continue
        parsed = parse(text, gold)
        if parsed is None:
            problems.append(f"{where}: option {letter} does not parse")
            continue
        wrong.append(parsed)
    proof = session.prove(
        enc,
        solver.answer_literal(spec, gold),
        [solver.answer_literal(spec, w) for w in wrong],
        RLIMIT,
    )
    expected = "ambiguous" if rec.status == "ambiguous" else "unique"
    if proof.status != expected:
        problems.append(f"{where}: answer is {proof.status}, expected {expected}")
    elif not all(proof.refuted):
        problems.append(f"{where}: a wrong option is consistent with the clues")
    return problems


def _check_file(path: Path) -> tuple[list[str], int]:
    rows = read_rows(path)
    problems: list[str] = []
    for row in rows:
        problems.extend(check_record(row))
    return problems, len(rows)


def validate(root: Path, workers: int | None = None) -> tuple[list[str], int]:
    """(problems, records checked) for a built dataset folder."""
    files = data_files(root)
    workers = max(1, workers or os.cpu_count() or 1)
    if workers == 1 or len(files) <= 1:
        results = [_check_file(f) for f in files]
    else:
        with mp.get_context("spawn").Pool(min(workers, len(files))) as pool:
            results = pool.map(_check_file, files)
    problems = [p for ps, _ in results for p in ps]
    return problems, sum(n for _, n in results)

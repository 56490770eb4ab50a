"""`validate`: re-prove every record of a built folder with Z3."""

from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path

from templates.phrases import is_reserved
from verifiers.answers import AMBIGUOUS, UNSOLVABLE, Answer, parse
from verifiers.record import CANARY, Record
from verifiers.registry import load_spec
from verifiers.solver import encoder, session

from .outdir import incomplete
from .progress import progress as _progress
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
    solver = encoder(rec.family)
    enc = solver.encode(spec)
    problems = []
    letters = [chr(65 + i) for i in range(len(rec.choices))]
    options = []
    for letter, text in zip(letters, rec.choices, strict=True):
        if letter == rec.answer_label:
            if text != rec.answer:
                problems.append(f"{where}: option {letter} is not the answer text")
            continue
        parsed = parse(text, gold)
        if parsed is None:
            problems.append(f"{where}: option {letter} does not parse")
            continue
        options.append(parsed)
    if rec.status == "unsolvable":
        if gold.outcome != UNSOLVABLE or session.prove_label(enc, RLIMIT) != "unsolvable":
            problems.append(f"{where}: labelled unsolvable but the clues are satisfiable")
        return problems
    if rec.status == "ambiguous":
        consistent = {
            o.key()
            for o in options
            if not o.outcome
            and session.satisfiable(enc, solver.answer_literal(spec, o), RLIMIT) == "sat"
        }
        if gold.outcome != AMBIGUOUS or len(consistent) < 2:
            problems.append(
                f"{where}: labelled ambiguous but Z3 does not find two consistent answers among the options"
            )
        return problems
    # Unique: the answer is forced; plain options are refuted one by one, and the special
    # outcomes ("cannot be determined", "no consistent solution") by uniqueness itself.
    wrong = [o for o in options if not o.outcome]
    proof = session.prove(
        enc,
        solver.answer_literal(spec, gold),
        [solver.answer_literal(spec, w) for w in wrong],
        RLIMIT,
    )
    if proof.status != "unique":
        problems.append(f"{where}: answer is {proof.status}, expected unique")
    elif not all(proof.refuted):
        problems.append(f"{where}: a wrong option is consistent with the clues")
    return problems


def _check_file(path: Path) -> tuple[list[str], int]:
    rows = read_rows(path)
    split = path.name.split("-")[0]
    problems: list[str] = []
    for row in rows:
        problems.extend(check_record(row))
        if (row["canary"] == CANARY) != (split == "test"):
            problems.append(
                f"{row['family']}/{row['id']}: canary {'missing from a test row' if split == 'test' else 'outside the test split'}"
            )
        leaked = [p for p in row.get("phrase_ids") or [] if is_reserved(p)]
        if leaked and split != "test":
            problems.append(
                f"{row['family']}/{row['id']}: phrasing {leaked[0]} is reserved for the test split but used in {split}"
            )
    return problems, len(rows)


def check_splits(files: list[Path]) -> list[str]:
    """No original's canonical spec in two splits; every augmented row beside its parent."""
    where: dict[str, str] = {}
    ids: dict[str, str] = {}
    children: list[tuple[str, str, str]] = []
    problems = []
    for f in files:
        split = f.name.split("-")[0]
        for row in read_rows(f):
            ids[row["id"]] = split
            if row["parent_id"]:
                children.append((row["id"], row["parent_id"], split))
            elif where.setdefault(row["canonical_hash"], split) != split:
                problems.append(
                    f"{row['family']}/{row['id']}: canonical spec in both {where[row['canonical_hash']]} and {split}"
                )
    for rid, parent, split in children:
        if ids.get(parent) != split:
            problems.append(
                f"{rid}: augmented row in {split}, its parent {parent} in {ids.get(parent, 'no split')}"
            )
    return problems


def validate(
    root: Path, workers: int | None = None, progress: bool = False
) -> tuple[list[str], int]:
    """(problems, records checked) for a built dataset folder; a folder whose last build was
    cut off while swapping its files in (see :mod:`generators.outdir`) is a problem too."""
    files = data_files(root)
    workers = max(1, workers or os.cpu_count() or 1)
    bar = _progress(len(files), progress, unit="file", desc="validate")
    results = []
    if workers == 1 or len(files) <= 1:
        for f in files:
            results.append(_check_file(f))
            bar.update(1)
    else:
        with mp.get_context("spawn").Pool(min(workers, len(files))) as pool:
            for r in pool.imap(_check_file, files):
                results.append(r)
                bar.update(1)
    bar.close()
    marker = incomplete(root)
    problems = [p for ps, _ in results for p in ps] + check_splits(files)
    return ([marker] if marker else []) + problems, sum(n for _, n in results)

"""DPO preference pairs: (a) synthetic from solver traces, (b) on-policy from model samples.

(a) ``synthetic``: chosen = the proven trace with the right answer. Rejected alternates between
    - ``wrong_step``: one top-level step of the trace is flipped to a wrong value and the final
      answer follows it (so the answer is wrong), and
    - ``invalid_step``: the same flipped step, but the right answer (a right answer reached by
      an invalid step: the process reward sees the contradicting claim).
(b) ``on_policy``: sample k completions per prompt, score each with :mod:`verifiers.rewards`,
    and pair the best right completion with a wrong one (self-training DPO).

Every pair is verified before it is written: chosen is right (accuracy 1 and no claim that
contradicts the spec); rejected is wrong (accuracy below 1, or a contradicting claim).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from verifiers.answers import Answer
from verifiers.prompt import answer_words
from verifiers.rewards import _CLAIM, claims, score_components

from .data import prompt_of, reasoning_of, target

_TOP = re.compile(r"^(?![ \t])(?!Suppose|Assume|If |Then |Case )")


def contradicting_claims(row: dict, text: str) -> int:
    """How many claims in the reasoning contradict the proven world."""
    ctx_facts = json.loads(row["spec"]) if row.get("spec") else {}
    found = claims(text, row["answer_json"], row.get("spec", ""), row.get("family", ""))
    if not found:
        return 0
    people = ctx_facts.get("people")
    truth = (
        dict(zip(people, ctx_facts.get("truth", []), strict=False))
        if people
        else dict(
            Answer.model_validate_json(row["answer_json"]).value
            if Answer.model_validate_json(row["answer_json"]).type == "assignment"
            else {}
        )
    )
    return sum((truth.get(n) == v) == neg for n, neg, v in found if n in truth)


def is_right(row: dict, text: str) -> bool:
    return score_components(row, text)["accuracy"] == 1.0 and contradicting_claims(row, text) == 0


def is_wrong(row: dict, text: str) -> bool:
    return score_components(row, text)["accuracy"] < 1.0 or contradicting_claims(row, text) > 0


def _flip_step(row: dict, rng: random.Random) -> tuple[str, str, str] | None:
    """Flip one top-level positive claim of the trace: (new reasoning, entity, wrong value)."""
    gold = Answer.model_validate_json(row["answer_json"])
    spec = json.loads(row["spec"]) if row.get("spec") else {}
    space = spec.get("roles") or gold.space
    words = answer_words(row)
    lines = reasoning_of(row["solution"]).split("\n")
    cands = []
    for i, line in enumerate(lines):
        if not _TOP.match(line):
            continue
        for m in _CLAIM.finditer(line):
            if m.group(2) is None:
                cands.append((i, m))
    if not cands or len(space) < 2:
        return None
    i, m = cands[rng.randrange(len(cands))]
    name = m.group(1)
    surface_to_canon = {v: k for k, v in words.items()}
    canon = surface_to_canon.get(m.group(3), m.group(3))
    others = [v for v in space if v != canon]
    if canon not in space or not others:
        return None
    wrong = rng.choice(others)
    line = lines[i]
    lines[i] = line[: m.start(3)] + words.get(wrong, wrong) + line[m.end(3) :]
    if m.group(0).split(" is ", 1)[1].startswith(("a ", "an ")):
        art = "an " if words.get(wrong, wrong)[:1].lower() in "aeiou" else "a "
        pre = lines[i][: m.start(3)]
        for old in ("an ", "a "):
            if pre.endswith(old):
                lines[i] = pre[: -len(old)] + art + lines[i][m.start(3) :]
                break
    return "\n".join(lines), name, wrong


def _wrong_answer(row: dict, entity: str | None, wrong: str | None, rng: random.Random) -> str:
    gold = Answer.model_validate_json(row["answer_json"])
    words = answer_words(row)
    if gold.type == "assignment":
        val = dict(gold.value)  # type: ignore[arg-type]
        e = entity if entity in val else rng.choice(list(val))
        w = (
            wrong
            if (e == entity and wrong and wrong != val[e])
            else rng.choice([v for v in gold.space if v != val[e]])
        )
        val[e] = w
        return Answer(type="assignment", value=val, space=gold.space).text(words)
    if gold.type == "sequence":
        seq = list(gold.value)  # type: ignore[arg-type]
        i, j = rng.sample(range(len(seq)), 2)
        seq[i], seq[j] = seq[j], seq[i]
        return ", ".join(seq)
    if gold.type == "set":  # one entity moved in or out
        e = rng.choice(gold.space)
        inside = set(gold.value) ^ {e}
        return Answer(type="set", value=[n for n in gold.space if n in inside]).text()
    others = [v for v in gold.space if v != gold.value]
    if not others:
        return "unknown"
    return words.get(v := rng.choice(others), v)


def synthetic_pairs(rows: Iterable[dict], seed: int = 0) -> Iterator[dict]:
    """Verified synthetic pairs, alternating wrong-step and invalid-step rejections."""
    rng = random.Random(seed)
    for n, row in enumerate(rows):
        chosen = target(row)
        if not is_right(row, chosen):
            continue
        flip = _flip_step(row, rng)
        kind = "invalid_step" if (n % 2 and flip is not None) else "wrong_step"
        if kind == "invalid_step":
            rejected = target(row, reasoning=flip[0])
        else:
            reasoning = flip[0] if flip else None
            rejected = target(
                row,
                answer=_wrong_answer(row, *(flip[1:] if flip else (None, None)), rng),
                reasoning=reasoning,
            )
        if not is_wrong(row, rejected):
            continue
        yield _pair(row, chosen, rejected, kind)


def _pair(row: dict, chosen: str, rejected: str, kind: str) -> dict:
    return {
        "prompt": prompt_of(row),
        "chosen": [{"role": "assistant", "content": chosen}],
        "rejected": [{"role": "assistant", "content": rejected}],
        "id": row["id"],
        "level": int(row["level"]),
        "family": row["family"],
        "kind": kind,
    }


def on_policy_pairs(
    rows: list[dict],
    model: str,
    k: int = 4,
    max_new_tokens: int = 512,
    temperature: float = 1.0,
    batch_size: int = 16,
    seed: int = 0,
    rollout: str = "auto",
) -> Iterator[dict]:
    """Sample ``k`` completions per prompt from ``model``; pair a right one with a wrong one.
    Where every sample is wrong, the solver's own trace (:func:`trainers.data.target`) is the
    chosen side (kind ``on_policy_gold``): a weak policy's mistakes are the pairs it most needs.

    Decoding goes through :func:`trainers.rollout.complete`: the static-cache CUDA-graph
    generator on CUDA for a supported model (``rollout``: auto / static / hf), else HF
    ``generate``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .data import chat_ids
    from .rollout import complete

    torch.manual_seed(seed)
    tok = AutoTokenizer.from_pretrained(model)
    tok.padding_side = "left"
    lm = AutoModelForCausalLM.from_pretrained(model)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    lm.to(device).eval()
    for b in range(0, len(rows), batch_size):
        batch = rows[b : b + batch_size]
        prompts = [
            chat_ids(tok.apply_chat_template(prompt_of(r), add_generation_prompt=True))
            for r in batch
            for _ in range(k)
        ]
        outs = complete(lm, tok, prompts, max_new_tokens, temperature, rollout, batch_size * k)
        gen = tok.batch_decode(outs, skip_special_tokens=True)
        for i, row in enumerate(batch):
            samples = gen[i * k : (i + 1) * k]
            right = [s for s in samples if is_right(row, s)]
            wrong = [s for s in samples if is_wrong(row, s)]
            if not wrong:
                continue
            best_wrong = min(wrong, key=lambda s: sum(score_components(row, s).values()))
            if right:
                yield _pair(row, right[0], best_wrong, "on_policy")
            else:
                yield _pair(row, target(row), best_wrong, "on_policy_gold")


def write_jsonl(pairs: Iterable[dict], out: str | Path) -> int:
    """Write pairs atomically; return how many."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    n = 0
    with tmp.open("w") as f:
        for p in pairs:
            f.write(json.dumps(p) + "\n")
            n += 1
    tmp.replace(out)
    return n

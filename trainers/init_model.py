"""Create a tiny causal LM from scratch: a Qwen3-style config and a byte-level BPE tokenizer.

The tokenizer is trained with the ``tokenizers`` library on puzzle text (prompt, solution and
answer) from a built dataset folder, so the model needs no download. Both are saved with
``save_pretrained``: ``AutoModelForCausalLM.from_pretrained(out)`` and lm-eval ``--model hf``
load the folder directly.
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

SIZES: dict[str, dict[str, int]] = {
    # head_dim is 64 everywhere; tie_word_embeddings keeps the small vocab cheap.
    "tiny": dict(  # ~1M parameters, for tests
        vocab_size=1024,
        hidden_size=128,
        intermediate_size=384,
        num_hidden_layers=4,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
    ),
    "demo": dict(  # ~33M parameters, for GPU demos
        vocab_size=8192,
        hidden_size=512,
        intermediate_size=1280,
        num_hidden_layers=10,
        num_attention_heads=8,
        num_key_value_heads=8,
        max_position_embeddings=4096,
    ),
}
PAD, EOS, IM_START = "<|endoftext|>", "<|im_end|>", "<|im_start|>"
SPECIAL_TOKENS = [PAD, IM_START, EOS]
# Ordinary (non-special) added tokens: the format tags stay one token each and survive decoding.
FORMAT_TOKENS = ["<reasoning>", "</reasoning>", "<answer>", "</answer>", "<think>", "</think>"]
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"
)


def _message_text(messages: Iterable) -> str:
    return "\n".join(m["content"] for m in messages)


def texts_from_dataset(data: str | Path, split: str = "train") -> Iterator[str]:
    """Puzzle text (prompt, solution, answer) of every row of ``split`` in a built folder."""
    import pyarrow.parquet as pq

    root = Path(data)
    files = sorted(glob.glob(str(root / "data" / "*" / f"{split}-*.parquet")))
    if not files:
        raise FileNotFoundError(
            f"{root}: no data/*/{split}-*.parquet shards; build one with "
            "`python -m generators build --out DIR`"
        )
    for f in files:
        table = pq.read_table(f, columns=["prompt", "solution", "answer"])
        for row in table.to_pylist():
            yield _message_text(row["prompt"])
            yield row["solution"]
            yield f"<reasoning>\n{row['solution']}\n</reasoning>\n<answer>{row['answer']}</answer>"


def without_names(texts: Iterable[str]) -> Iterator[str]:
    """``texts`` with every first name of ``templates/names.yaml`` (training and held-out pools)
    removed. Puzzle text repeats the training names so often that BPE would make each one a
    single token, while a held-out test name, never in the text, falls into two or three
    pieces the model has rarely seen: the model learns names as whole tokens and cannot copy
    the test split's. Without names in the text, every name, seen or held out, is split into
    the same kind of general pieces (the word list's), so copying one is the same skill."""
    import re

    from verifiers.blood_relations.names import name_sexes

    names = set(name_sexes())
    word = re.compile(r"\w+")  # any word, so names with accents or inner capitals match too
    for t in texts:
        yield word.sub(lambda m: "" if m.group() in names else m.group(), t)


WORDS = Path(__file__).parent / "data" / "words.txt"
WORD_REPEATS = 4  # the word list's weight against the puzzle text


def word_mix(texts: Iterable[str], repeats: int = WORD_REPEATS) -> Iterator[str]:
    """``texts`` then the broad word list (trainers/data/words.txt: ~20k common English words
    and ~8.5k first names from many languages, none of the held-out test names), one line of
    space-separated words at a time, ``repeats`` times: the tokenizer learns general subword
    pieces, so names and words it never saw do not fall apart into bytes."""
    yield from texts
    words = WORDS.read_text().split()
    for _ in range(repeats):
        for i in range(0, len(words), 64):
            yield " " + " ".join(words[i : i + 64])


def train_tokenizer(texts: Iterable[str], vocab_size: int):
    """A byte-level BPE ``PreTrainedTokenizerFast`` with chat special tokens and template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - len(FORMAT_TOKENS),
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=EOS,
        pad_token=PAD,
        bos_token=None,
        unk_token=None,
        additional_special_tokens=[IM_START],
        model_max_length=SIZES["demo"]["max_position_embeddings"],
        padding_side="right",
        clean_up_tokenization_spaces=False,
    )
    fast.add_tokens(FORMAT_TOKENS)
    fast.chat_template = CHAT_TEMPLATE
    return fast


def init_model(
    out: str | Path,
    data: str | Path | None = None,
    size: str = "tiny",
    texts: Iterable[str] | None = None,
    seed: int = 0,
    words: bool = True,
    names: bool = False,
) -> Path:
    """Write a fresh random-weight causal LM and its tokenizer to ``out``; return the path.

    ``data`` is a built dataset folder (its train split trains the tokenizer); ``texts`` may
    be given instead. ``size`` is ``tiny`` (~1M parameters) or ``demo`` (~30M). ``words`` mixes
    the broad word list into the tokenizer's text (:func:`word_mix`); ``names`` keeps the
    puzzles' first names in it (by default they are removed: :func:`without_names`).
    """
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig, Qwen3Config

    if size not in SIZES:
        raise ValueError(f"size {size!r} is unknown; use one of {', '.join(SIZES)}")
    if texts is None:
        if data is None:
            raise ValueError("init_model needs `data` (a built dataset folder) or `texts`")
        texts = texts_from_dataset(data)
    dims = SIZES[size]
    if not names:
        texts = without_names(texts)
    tokenizer = train_tokenizer(word_mix(texts) if words else texts, dims["vocab_size"])
    torch.manual_seed(seed)
    config = Qwen3Config(
        **{**dims, "vocab_size": len(tokenizer)},
        head_dim=64,
        tie_word_embeddings=True,
        rope_theta=10000.0,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
        torch_dtype="float32",
    )
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config = GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write to a sibling temp folder and rename, so a failed run leaves no half-written model.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "logic_suite_init.json").write_text(
        json.dumps(
            {
                "size": size,
                "seed": seed,
                "parameters": model.num_parameters(),
                "word_list": WORDS.name if words else None,
                "names_in_tokenizer_text": names,
            },
            indent=1,
        )
    )
    if out.exists():
        import shutil

        shutil.rmtree(out)
    os.replace(tmp, out)
    return out

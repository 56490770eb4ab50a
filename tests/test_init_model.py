"""init-model: a tiny local causal LM that transformers loads and that round-trips chat text."""

from __future__ import annotations

import pytest

from trainers.cli import main
from trainers.init_model import init_model


def test_tiny_model_loads_and_chats(tiny_model):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    tok = AutoTokenizer.from_pretrained(tiny_model)
    assert 0.5e6 < model.num_parameters() < 2e6
    assert model.config.head_dim == 64
    msgs = [
        {"role": "system", "content": "Solve it."},
        {"role": "user", "content": "Is Ann a knight?"},
        {"role": "assistant", "content": "<reasoning>x</reasoning><answer>yes</answer>"},
    ]
    text = tok.apply_chat_template(msgs, tokenize=False)
    assert tok.decode(tok(text)["input_ids"]) == text  # byte-level: lossless
    assert tok.convert_tokens_to_ids("<answer>") != tok.unk_token_id
    prompt = tok.apply_chat_template(msgs[:2], tokenize=False, add_generation_prompt=True)
    assert text.startswith(prompt) and prompt.endswith("<|im_start|>assistant\n")
    assert tok.eos_token == "<|im_end|>" and model.config.eos_token_id == tok.eos_token_id


def test_init_model_from_texts_is_seeded(tmp_path):
    from safetensors.torch import load_file

    texts = ["Ann says: Bo is a knave. <answer>Ann: knight</answer>"] * 50
    a = init_model(tmp_path / "a", texts=texts, seed=3)
    b = init_model(tmp_path / "b", texts=texts, seed=3)
    wa, wb = load_file(a / "model.safetensors"), load_file(b / "model.safetensors")
    assert all((wa[k] == wb[k]).all() for k in wa)


def test_cli_bad_inputs(tmp_path, capsys):
    assert main(["init-model", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "m")]) == 2
    assert "no data/*/train-*.parquet" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
    with pytest.raises(ValueError, match="size 'huge' is unknown"):
        init_model(tmp_path / "m", texts=["x"], size="huge")


def test_word_mix_keeps_unseen_names_in_pieces(tiny_dataset):
    """The broad word list (no held-out test name in it) gives the tokenizer general pieces:
    held-out names take fewer tokens than with puzzle text alone."""
    from trainers.init_model import WORDS, texts_from_dataset, train_tokenizer, word_mix
    from verifiers.blood_relations.names import flat

    held = flat(held_out=True)
    assert len(held) > 100
    words = set(WORDS.read_text().split())
    assert len(words) > 20000 and not words & set(held)
    texts = list(texts_from_dataset(tiny_dataset))

    def per_name(tok):
        return sum(len(tok(" " + h, add_special_tokens=False)["input_ids"]) for h in held) / len(
            held
        )

    # At 1024 pieces the puzzles' own names (1,200 of them) use most of the vocabulary; at
    # 4096 the word list's pieces show (measured: 3.19 -> 2.78 tokens a held-out name).
    plain, mixed = train_tokenizer(texts, 4096), train_tokenizer(word_mix(texts), 4096)
    assert per_name(mixed) < per_name(plain) - 0.3


def test_names_leave_the_tokenizer_text_so_seen_and_held_out_names_split_alike(tiny_dataset):
    """With the puzzles' names in the tokenizer's text, BPE makes the training names whole
    tokens while held-out test names fall into pieces; without them (the default), both
    pools are split into the same general pieces, so copying a test name is a trained skill."""
    from trainers.init_model import texts_from_dataset, train_tokenizer, without_names, word_mix
    from verifiers.blood_relations.names import flat

    seen, held = flat(held_out=False), flat(held_out=True)
    texts = list(texts_from_dataset(tiny_dataset))
    stripped = list(without_names(texts))
    assert not any(n in t.split() for t in stripped[:200] for n in ("Alice", "Bob", "Zoe"))
    assert any("Alice" in t or "Bob" in t for t in texts)  # names were there to remove

    def whole(tok, pool):  # share of names that are a single token
        return sum(len(tok.tokenize(" " + n)) == 1 for n in pool) / len(pool)

    kept = train_tokenizer(word_mix(texts), 8192)
    split = train_tokenizer(word_mix(stripped), 8192)
    assert whole(kept, seen) - whole(kept, held) > 0.3  # names kept: seen ones whole, held-out not
    assert abs(whole(split, seen) - whole(split, held)) < 0.1

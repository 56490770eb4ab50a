"""Fast batched rollouts without vLLM: a static KV cache and one CUDA graph per decoding step.

For Llama-style decoders (Llama, Qwen2, Qwen3: RMSNorm, rotary attention with optional q/k norms,
gated MLP), :class:`StaticGenerator` runs the model's own modules, in place, with its own attention
over a preallocated cache. Shapes never change during decoding (batch padded to a bucket, cache of
a fixed length, masks built from position tensors), so on CUDA a whole decoding step (every layer,
the sampling and the end-of-sequence bookkeeping) is captured once as a CUDA graph and replayed:
one launch per token instead of hundreds. The graph reads the live weights, so it stays valid
while an optimizer updates them. Rows that have ended are retired: once at most half of a
batch is still decoding, the live rows' caches move to a state of half the batch (or less) and
decoding goes on there, so one long completion no longer keeps hundreds of finished rows
decoding pad tokens to the end. Greedy decoding matches HF ``generate`` token for token
(tests/test_rollout.py); sampling uses the Gumbel-max trick (the same distribution as
multinomial sampling at the given temperature, no top-k / top-p).

:func:`supports` says whether a model can use it; callers fall back to HF ``generate`` otherwise.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

_BATCH_BUCKET = 16
_PROMPT_BUCKET = 128
_PREFILL_ROWS = 32


def supports(model) -> bool:
    """Whether ``model`` has the Llama-style layout :class:`StaticGenerator` runs."""
    cfg = model.config.get_text_config()
    inner = getattr(model, "model", None)
    layers = getattr(inner, "layers", None)
    if layers is None or not hasattr(inner, "rotary_emb") or not hasattr(model, "lm_head"):
        return False
    if getattr(cfg, "use_sliding_window", False):
        return False
    for rope in (getattr(cfg, "rope_parameters", None), getattr(cfg, "rope_scaling", None)):
        if (rope or {}).get("rope_type", "default") != "default":
            return False
    a = layers[0].self_attn
    return all(hasattr(a, n) for n in ("q_proj", "k_proj", "v_proj", "o_proj")) and hasattr(
        layers[0], "mlp"
    )


def _round_up(n: int, k: int) -> int:
    return (n + k - 1) // k * k


class _State:
    """Static buffers of one (batch, cache length) shape, and its captured decoding step."""

    def __init__(self, gen: StaticGenerator, batch: int, length: int, device, dtype):
        import torch

        c = gen.cfg
        self.batch, self.length = batch, length
        kv = (batch, gen.n_kv, length, gen.head_dim)
        self.keys = [torch.zeros(kv, device=device, dtype=dtype) for _ in gen.layers]
        self.values = [torch.zeros(kv, device=device, dtype=dtype) for _ in gen.layers]
        long = dict(device=device, dtype=torch.long)
        self.tok = torch.zeros(batch, **long)
        self.pos = torch.zeros((), **long)
        self.step = torch.zeros((), **long)
        self.pad = torch.zeros(batch, **long)
        self.temp = torch.zeros(batch, device=device, dtype=torch.float32)
        self.done = torch.zeros(batch, device=device, dtype=torch.bool)
        self.out = torch.zeros(batch, 1, **long)  # resized per call (a graph is per max_new too)
        self.graph = None
        self.max_new = 0
        del c


class StaticGenerator:
    """Batched greedy / temperature sampling with a static KV cache (CUDA graphs on GPU)."""

    def __init__(
        self,
        model,
        eos_token_ids: list[int] | int,
        pad_token_id: int,
        max_batch: int = 512,
        use_graphs: bool | None = None,
        max_states: int = 4,
        shrink: bool = True,
    ):
        import torch

        if not supports(model):
            raise ValueError(
                f"{type(model).__name__}: StaticGenerator supports Llama-style decoders only; "
                "use HF generate"
            )
        self.model = model
        self.cfg = model.config.get_text_config()
        inner = model.model
        self.embed, self.layers, self.norm = inner.embed_tokens, inner.layers, inner.norm
        self.lm_head = model.lm_head
        self.rotary = inner.rotary_emb
        self.n_heads = self.cfg.num_attention_heads
        self.n_kv = getattr(self.cfg, "num_key_value_heads", None) or self.n_heads
        self.head_dim = getattr(self.cfg, "head_dim", None) or (
            self.cfg.hidden_size // self.n_heads
        )
        eos = [eos_token_ids] if isinstance(eos_token_ids, int) else list(eos_token_ids)
        self.eos_list, self.pad_id = eos, int(pad_token_id)
        self.max_batch, self.max_states, self.shrink = max_batch, max_states, shrink
        # decoding steps times batch rows, and how often live rows moved to a smaller batch
        self.stats = {"row_steps": 0, "shrinks": 0}
        dev = next(model.parameters()).device
        self.device = dev
        self.use_graphs = (dev.type == "cuda") if use_graphs is None else use_graphs
        self.eos = torch.tensor(eos, device=dev, dtype=torch.long)
        self.states: OrderedDict[tuple[int, int, int], _State] = OrderedDict()

    # -- the model, layer by layer ---------------------------------------------------------
    def _rope(self, posid):
        import torch

        inv = self.rotary.inv_freq.to(posid.device, torch.float32)
        freqs = posid.to(torch.float32)[..., None] * inv  # [B, Q, D/2]
        emb = torch.cat((freqs, freqs), dim=-1)
        scale = getattr(self.rotary, "attention_scaling", 1.0)
        return emb.cos() * scale, emb.sin() * scale

    @staticmethod
    def _rotate(x, cos, sin):
        import torch

        half = x.shape[-1] // 2
        rot = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
        return x * cos + rot * sin

    def _forward(self, st: _State, ids, qidx, rows: slice = slice(None)):
        """Logits of the last query; writes k/v of queries at cache indices ``qidx`` ([Q]) for
        the batch rows ``rows`` (``ids`` holds those rows only)."""
        import torch
        import torch.nn.functional as F

        B, Q = ids.shape
        pad = st.pad[rows]
        H, Hk, D = self.n_heads, self.n_kv, self.head_dim
        kv_idx = torch.arange(st.length, device=ids.device)
        qi = qidx[None, :, None]
        mask = (kv_idx[None, None, :] <= qi) & (
            (kv_idx[None, None, :] >= pad[:, None, None]) | (kv_idx[None, None, :] == qi)
        )
        mask = mask[:, None]  # [B, 1, Q, T]
        posid = (qidx[None, :] - pad[:, None]).clamp(min=0)
        cos, sin = self._rope(posid)
        x = self.embed(ids)
        cos, sin = cos[:, None].to(x.dtype), sin[:, None].to(x.dtype)
        for layer, kc, vc in zip(self.layers, st.keys, st.values, strict=True):
            kc, vc = kc[rows], vc[rows]  # views: the writes below land in the cache
            a = layer.self_attn
            h = layer.input_layernorm(x)
            q = a.q_proj(h).view(B, Q, H, D)
            k = a.k_proj(h).view(B, Q, Hk, D)
            v = a.v_proj(h).view(B, Q, Hk, D)
            if getattr(a, "q_norm", None) is not None:
                q, k = a.q_norm(q), a.k_norm(k)
            q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
            q = self._rotate(q, cos.to(q.dtype), sin.to(q.dtype))
            k = self._rotate(k, cos.to(k.dtype), sin.to(k.dtype))
            kc.index_copy_(2, qidx, k.to(kc.dtype))
            vc.index_copy_(2, qidx, v.to(vc.dtype))
            kk, vv = kc.to(q.dtype), vc.to(q.dtype)
            if Hk != H:
                kk = kk.repeat_interleave(H // Hk, dim=1)
                vv = vv.repeat_interleave(H // Hk, dim=1)
            o = F.scaled_dot_product_attention(q, kk, vv, attn_mask=mask, scale=a.scaling)
            x = x + a.o_proj(o.transpose(1, 2).reshape(B, Q, H * D))
            x = x + layer.mlp(layer.post_attention_layernorm(x))
        x = self.norm(x[:, -1:])
        return self.lm_head(x)[:, 0].float()

    def _select(self, st: _State, logits):
        import torch

        logits = torch.nan_to_num(logits, nan=-1e4, posinf=1e4, neginf=-1e4)
        greedy = logits.argmax(-1)
        u = torch.rand_like(logits).clamp_(1e-10, 1.0 - 1e-7)
        noisy = logits / st.temp.clamp(min=1e-6)[:, None] - torch.log(-torch.log(u))
        nxt = torch.where(st.temp > 0, noisy.argmax(-1), greedy)
        nxt = torch.where(st.done, torch.full_like(nxt, self.pad_id), nxt)
        st.done |= (nxt[:, None] == self.eos[None, :]).any(-1)
        return nxt

    def _decode_step(self, st: _State) -> None:
        with self._autocast():
            logits = self._forward(st, st.tok[:, None], st.pos.view(1))
            nxt = self._select(st, logits)
        st.out.index_copy_(1, st.step.view(1), nxt[:, None])
        st.tok.copy_(nxt)
        st.pos += 1
        st.step += 1

    def _autocast(self):
        import contextlib

        import torch

        if self.device.type == "cuda" and next(self.model.parameters()).dtype == torch.float32:
            return torch.autocast("cuda", dtype=torch.bfloat16, cache_enabled=False)
        return contextlib.nullcontext()

    # -- buffers and graphs ----------------------------------------------------------------
    def _state(self, batch: int, length: int, max_new: int) -> _State:
        import torch

        key = (batch, length, max_new)
        if key in self.states:
            self.states.move_to_end(key)
            return self.states[key]
        while len(self.states) >= self.max_states:
            self.states.popitem(last=False)
        p = next(self.model.parameters())
        dtype = torch.bfloat16 if (p.is_cuda and p.dtype == torch.float32) else p.dtype
        st = _State(self, batch, length, self.device, dtype)
        st.out = torch.full((batch, max_new), self.pad_id, device=self.device, dtype=torch.long)
        st.max_new = max_new
        if self.use_graphs:
            st.pos.fill_(length - 1)
            s = torch.cuda.Stream()
            s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):
                for _ in range(2):  # warm-up: lazy library init happens outside the capture
                    st.step.zero_()
                    st.pos.fill_(length - 1)
                    self._decode_step(st)
            torch.cuda.current_stream().wait_stream(s)
            g = torch.cuda.CUDAGraph()
            st.step.zero_()
            st.pos.fill_(length - 1)
            with torch.cuda.graph(g):
                self._decode_step(st)
            st.graph = g
        self.states[key] = st
        return st

    def _retire(self, st: _State, where: list[int], ended: dict[int, list[int]]):
        """Move the rows still decoding to a state of at most half ``st``'s batch, keeping
        the finished rows' tokens in ``ended``; ``st`` itself when more than half are live."""
        import torch

        live = (~st.done).nonzero()[:, 0]
        bucket = _BATCH_BUCKET if self.use_graphs else 1
        batch = _round_up(len(live), bucket)
        if batch > st.batch // 2:
            return st, where
        out = st.out.tolist()
        for j in st.done.nonzero()[:, 0].tolist():
            if where[j] >= 0:
                ended[where[j]] = out[j]
        keep = torch.cat([live, live[:1].expand(batch - len(live))])
        new = self._state(batch, st.length, st.max_new)
        with torch.no_grad():
            for a, b in zip(new.keys + new.values, st.keys + st.values, strict=True):
                torch.index_select(b, 0, keep, out=a)
            for name in ("tok", "pad", "temp", "done", "out"):
                torch.index_select(getattr(st, name), 0, keep, out=getattr(new, name))
            new.done[len(live) :] = True  # fillers: copies of a live row that emit padding
            new.pos.copy_(st.pos)
            new.step.copy_(st.step)
        self.stats["shrinks"] += 1
        rows = live.tolist()
        return new, [where[j] for j in rows] + [-1] * (batch - len(rows))

    # -- public ----------------------------------------------------------------------------
    def generate(
        self,
        prompts: list[list[int]],
        max_new_tokens: int,
        temperature: float | list[float] = 0.0,
        check_every: int = 32,
    ) -> list[list[int]]:
        """Completion token ids of each prompt, up to and including its first EOS."""
        temps = (
            [float(temperature)] * len(prompts)
            if isinstance(temperature, int | float)
            else [float(t) for t in temperature]
        )
        if len(temps) != len(prompts):
            raise ValueError("temperature: one value, or one per prompt")
        out: list[list[int]] = []
        for b in range(0, len(prompts), self.max_batch):
            out += self._generate(
                prompts[b : b + self.max_batch],
                max_new_tokens,
                temps[b : b + self.max_batch],
                check_every,
            )
        return out

    def _generate(self, prompts, max_new: int, temps, check_every: int) -> list[list[int]]:
        import torch

        if not prompts:
            return []
        n = len(prompts)
        B = _round_up(n, _BATCH_BUCKET) if self.use_graphs else n
        P = _round_up(max(len(p) for p in prompts), _PROMPT_BUCKET if self.use_graphs else 1)
        rows = list(prompts) + [prompts[0]] * (B - n)
        temps = list(temps) + [0.0] * (B - n)
        st = self._state(B, P + max_new, max_new)
        ids = torch.full((B, P), self.pad_id, dtype=torch.long)
        pad = torch.empty(B, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, P - len(r) :] = torch.tensor(r, dtype=torch.long)
            pad[i] = P - len(r)
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                st.pad.copy_(pad)
                st.temp.copy_(torch.tensor(temps, dtype=torch.float32))
                st.done.zero_()
                st.done[n:] = True  # filler rows (batch bucket) only emit padding
                st.out.fill_(self.pad_id)
                ids = ids.to(self.device)
                qidx = torch.arange(P, device=self.device)
                with self._autocast():
                    # prefill in slices of rows: its [rows, 1, P, T] mask stays small
                    logits = torch.cat(
                        [
                            self._forward(
                                st, ids[r : r + _PREFILL_ROWS], qidx, slice(r, r + _PREFILL_ROWS)
                            )
                            for r in range(0, B, _PREFILL_ROWS)
                        ]
                    )
                    nxt = self._select(st, logits)
                st.out[:, 0] = nxt
                st.tok.copy_(nxt)
                st.pos.fill_(P)
                st.step.fill_(1)
                where = list(range(n)) + [-1] * (B - n)  # prompt index of each row; -1: filler
                ended: dict[int, list[int]] = {}
                for t in range(1, max_new):
                    if st.graph is not None:
                        st.graph.replay()
                    else:
                        self._decode_step(st)
                    self.stats["row_steps"] += st.batch
                    if t % check_every == 0:
                        if bool(st.done.all()):
                            break
                        if self.shrink:
                            st, where = self._retire(st, where, ended)
                for j, row in enumerate(st.out.tolist()):
                    if where[j] >= 0:
                        ended[where[j]] = row
                res = [ended[i] for i in range(n)]
        finally:
            self.model.train(was_training)
        eos = set(self.eos_list)
        done = []
        for r in res:
            k = next((j for j, x in enumerate(r) if x in eos), None)
            done.append(r[: k + 1] if k is not None else r)
        return done


def hf_generate(
    model, prompts: list[list[int]], max_new_tokens: int, pad_token_id: int, **kw: Any
) -> list[list[int]]:
    """HF ``generate`` on left-padded prompts; completions cut after the first EOS (reference)."""
    import torch

    P = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), P), pad_token_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, p in enumerate(prompts):
        ids[i, P - len(p) :] = torch.tensor(p)
        mask[i, P - len(p) :] = 1
    dev = next(model.parameters()).device
    with torch.no_grad():
        out = model.generate(
            input_ids=ids.to(dev),
            attention_mask=mask.to(dev),
            max_new_tokens=max_new_tokens,
            pad_token_id=pad_token_id,
            **kw,
        )
    eos = model.generation_config.eos_token_id
    eos = {eos} if isinstance(eos, int) else set(eos or [])
    res = []
    for r in out[:, P:].tolist():
        k = next((j for j, x in enumerate(r) if x in eos), None)
        res.append(r[: k + 1] if k is not None else r)
    return res


ROLLOUTS = ("auto", "static", "hf")


def use_static(model, mode: str = "auto") -> bool:
    """Whether to decode with :class:`StaticGenerator`: ``static`` (error when unsupported),
    ``hf`` (never), or ``auto`` (on CUDA, when the model is supported)."""
    if mode not in ROLLOUTS:
        raise ValueError(f"rollout={mode!r}: use one of {', '.join(ROLLOUTS)}")
    if mode == "hf":
        return False
    if mode == "static":
        if not supports(model):
            raise ValueError(
                f"rollout=static: {type(model).__name__} is not a Llama-style decoder; "
                "use rollout=hf"
            )
        return True
    return next(model.parameters()).is_cuda and supports(model)


def complete(
    model,
    tokenizer,
    prompts: list[list[int]],
    max_new_tokens: int,
    temperature: float = 0.0,
    mode: str = "auto",
    batch_size: int = 64,
) -> list[list[int]]:
    """Completion ids of chat-formatted prompt ids: greedy (temperature 0) or sampled, with
    :class:`StaticGenerator` when :func:`use_static` says so, else HF ``generate``."""
    if use_static(model, mode):
        gen = getattr(model, "_logic_static_generator", None)
        if gen is None:
            gen = StaticGenerator(model, tokenizer.eos_token_id, tokenizer.pad_token_id)
            model._logic_static_generator = gen
        return gen.generate(prompts, max_new_tokens, temperature)
    kw: dict[str, Any] = (
        {"do_sample": True, "temperature": temperature} if temperature else {"do_sample": False}
    )
    out: list[list[int]] = []
    for b in range(0, len(prompts), batch_size):
        out += hf_generate(
            model, prompts[b : b + batch_size], max_new_tokens, tokenizer.pad_token_id, **kw
        )
    return out

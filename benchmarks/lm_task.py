"""The lm-eval task class of the logic_suite tasks (a thin ConfigurableTask subclass).

Two things plain YAML cannot do in lm-eval 0.4.13:

- the data provenance (source, revision, generator version, digests) is added to the task's
  ``metadata``, which lm-eval writes into the results JSON under ``configs``;
- the system instruction (``description``, read from each document's ``instruction``) is
  the system turn under ``--apply_chat_template`` — so the messages equal the dataset's
  ``prompt`` column — and, without a chat template, is separated from the question by a
  blank line (lm-eval would otherwise glue the two together).
"""

from __future__ import annotations

import logging
from typing import Any

from lm_eval.api.task import ConfigurableTask

from .lm_data import provenance, resolve_source


class _QuietCustomKwargs(logging.Filter):
    """Drop lm-eval's "Custom kwargs can be passed to `--metadata`" warning for our tasks:
    it is printed once per task (a dozen times a run) and says nothing about logic_suite."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        return not (msg.startswith("logic_suite") and "Custom kwargs can be passed" in msg)


logging.getLogger("lm_eval.api.task").addFilter(_QuietCustomKwargs())


class LogicSuiteTask(ConfigurableTask):
    """A logic_suite per-level task."""

    def __init__(self, config: dict | None = None) -> None:
        cfg = dict(config or {})
        cfg.pop("class", None)
        super().__init__(config=cfg)

    def download(self, dataset_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().download(dataset_kwargs, **kwargs)
        meta = dict(self.config.metadata or {})
        meta.update(provenance(resolve_source()))
        self.config.metadata = meta

    def fewshot_context(
        self,
        doc: dict,
        num_fewshot: int,
        system_instruction: str | None = None,
        apply_chat_template: bool = False,
        fewshot_as_multiturn: bool = False,
        chat_template: Any = None,
        gen_prefix: str | None = None,
    ) -> Any:
        if not apply_chat_template and doc.get("instruction"):
            doc = {**doc, "instruction": doc["instruction"] + self.config.fewshot_delimiter}
        return super().fewshot_context(
            doc=doc,
            num_fewshot=num_fewshot,
            system_instruction=system_instruction,
            apply_chat_template=apply_chat_template,
            fewshot_as_multiturn=fewshot_as_multiturn,
            chat_template=chat_template,
            gen_prefix=gen_prefix,
        )

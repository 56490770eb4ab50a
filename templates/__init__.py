"""Jinja2 templates (package data) and the one sandboxed environment that renders them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    """The shared sandboxed environment: strict undefined, no autoescape (plain text)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(ROOT)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["join_names"] = join_names
    return env


@lru_cache(maxsize=4096)
def compile_string(source: str) -> Template:
    """Compile a template string once (phrase templates live in YAML files)."""
    return environment().from_string(source)


def render(name: str, **ctx: Any) -> str:
    """Render a template file under templates/."""
    return environment().get_template(name).render(**ctx).strip()


def render_string(source: str, **ctx: Any) -> str:
    return compile_string(source).render(**ctx)


@lru_cache(maxsize=64)
def data(name: str) -> Any:
    """Load a YAML data file under templates/ (personas, phrase banks, name pools)."""
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def join_names(items: list[str], conj: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]

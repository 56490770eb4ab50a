"""lm-eval hooks of the logic_suite tasks (generated; the code lives in the benchmarks package)."""

from benchmarks.lm_hooks import doc_to_target, doc_to_text, load, majority, process_results
from benchmarks.lm_task import LogicSuiteTask

__all__ = ["LogicSuiteTask", "doc_to_target", "doc_to_text", "load", "majority", "process_results"]

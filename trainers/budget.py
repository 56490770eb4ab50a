"""Wall-time budgets for training runs: stop after ``stop_after_s``, and (``schedule_by_time``)
a learning-rate schedule that reaches its end when the budget does.

A from-scratch run budgeted in seconds cannot know its step count in advance: the step rate
depends on the GPU, the data source and torch.compile's warm-up. With a step-based schedule
and a guessed ``max_steps``, a run that is slower than the guess is cut while the learning rate
is still high (session 17: stopped at 3,193 of 4,200 steps, never annealed); a faster one
anneals early and idles at the minimum. Here the schedule's position is the larger of the step
count and the step the clock implies: warm-up still counts steps; after it, the fraction of the
budget spent since step 1 ended (so the compile warm-up is not charged to the schedule) maps
onto the steps left. Whichever of ``train.max_steps`` and ``stop_after_s`` comes first, the
schedule arrives at its final learning rate there. Any ``LambdaLR`` schedule of transformers
(linear, cosine, cosine_with_min_lr, ...) works; its shape is unchanged.
"""

from __future__ import annotations

import time
from typing import Any


class TimeBudget:
    """The clock of a run: when training began and when its first step ended."""

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.t0: float | None = None
        self.t1: float | None = None

    def fraction(self) -> float:
        """The share of the budget left after step 1 that has been spent (0 before step 1)."""
        if not self.seconds or self.t0 is None or self.t1 is None:
            return 0.0
        rest = self.seconds - (self.t1 - self.t0)
        if rest <= 0:
            return 1.0
        return min(1.0, (time.monotonic() - self.t1) / rest)

    def callback(self):
        """A TrainerCallback that keeps this clock and ends training when the budget is spent."""
        from transformers import TrainerCallback

        budget = self

        class StopAfter(TrainerCallback):
            def on_train_begin(self, args, state, control, **kw):
                budget.t0 = time.monotonic()

            def on_step_end(self, args, state, control, **kw):
                now = time.monotonic()
                if budget.t1 is None:
                    budget.t1 = now
                if budget.seconds and now - budget.t0 > budget.seconds:
                    control.should_training_stop = True
                    control.should_save = True

        return StopAfter()


def time_budget_callback(seconds: float | None):
    """A TrainerCallback that ends training after ``seconds`` of wall time (None: no limit)."""
    return TimeBudget(seconds).callback()


def clocked(lr_lambda, warmup: int, total: int, budget: TimeBudget):
    """``lr_lambda`` evaluated at max(step, the step that ``budget``'s clock implies)."""

    def f(step: int) -> float:
        if step >= warmup and total > warmup:
            step = max(step, warmup + round((total - warmup) * budget.fraction()))
        return lr_lambda(min(step, total))

    return f


def anneal_by_time(trainer: Any, budget: TimeBudget) -> None:
    """Make ``trainer``'s learning-rate schedule run to its end at ``budget`` (see the module
    docstring); call before ``trainer.train()``."""
    from torch.optim.lr_scheduler import LambdaLR

    make = trainer.create_scheduler

    def create_scheduler(num_training_steps: int, optimizer=None):
        fresh = trainer.lr_scheduler is None
        sch = make(num_training_steps=num_training_steps, optimizer=optimizer)
        if not fresh:
            return sch
        if not isinstance(sch, LambdaLR):
            raise ValueError(
                f"schedule_by_time: train.lr_scheduler_type={trainer.args.lr_scheduler_type!r} "
                "is not a LambdaLR schedule; use linear, cosine or cosine_with_min_lr"
            )
        warm = trainer.args.get_warmup_steps(num_training_steps)
        sch.lr_lambdas = [clocked(f, warm, num_training_steps, budget) for f in sch.lr_lambdas]
        return sch

    trainer.create_scheduler = create_scheduler

"""``seating_claims``: knights and knaves who make claims about a row of chairs.

A variant of the truth_teller family that composes it with the seating family (issue 5's
cross-family ``compose``). Method: sample a hidden world (a role per person and a chair
per person), propose claims the speaker can make in it (a knight's claim true, a knave's
false), keep each that narrows the set of possible worlds, until everyone's role and the
queried person's chair are the same in every remaining world; then drop redundant
statements. The search is exact: every world (2^n role vectors x n! seatings, n <= 5) is a
row of a numpy table. Z3 proves the final puzzle in the pipeline.

Answer format: see :mod:`verifiers.truth_teller.seating_claims` (roles plus ``"<name>'s seat"``).

The variant's parts: :mod:`.levels` (sizes, thresholds), :mod:`.search` (the exact world
table, solution sets, degenerate statements and metrics), :mod:`.deduce` (the propagation
solver whose steps are the solution), :mod:`.sample` (hidden world and claim
proposals), :mod:`.render` (question, options, solution) and :mod:`.augment` (transforms
and labelled variants).
"""

"""Print every validation row of the model as one table.

Run from the repository root::

    python tests/validation/_table.py            # one row per item (series: one per point)
    python tests/validation/_table.py --markdown # the same as a Markdown table

Columns: quantity | published | model | tolerance | pass/fail | record id. The rows are those
of every case of ``insulinsim validate`` (``insulinsim.analysis._validation.CASES``, which
include the checks of ``tests/validation/test_meal_ogtt_clamp.py``), computed on the test
suite's shared simulations (``tests/_sims.py``). Context rows print ``info``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import _sims  # noqa: E402

from insulinsim.analysis._validation import run_validation  # noqa: E402


def rows() -> list:
    return [r for case in run_validation(_sims.reference(), _sims) for r in case.rows]


def main(argv: list[str]) -> int:
    table = rows()
    head = ("quantity", "published", "model", "tolerance", "pass/fail", "record id")
    body = [(r.quantity, r.published, r.model, r.tolerance, r.result, r.record) for r in table]
    if "--markdown" in argv:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for b in body:
            print("| " + " | ".join(b) + " |")
    else:
        widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
        for line in [head, *body]:
            print(" | ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))
    n_fail = sum(r.result == "FAIL" for r in table)
    print(f"\n{len(table)} items, {n_fail} fail")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Print every validation item of the fast model as one table.

Run from the repository root::

    python tests/validation/_table.py            # one row per item (series: one per point)
    python tests/validation/_table.py --markdown # the same as a Markdown table

Columns: quantity | published | model | tolerance | pass/fail | record id. The rows are those
of ``tests/validation/test_meal_ogtt_clamp.py`` (the same check functions).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import test_meal_ogtt_clamp as checks  # noqa: E402


def rows() -> list:
    out = []
    for fn in checks.CHECKS.values():
        out += fn()
    return out


def main(argv: list[str]) -> int:
    table = rows()
    head = ("quantity", "published", "model", "tolerance", "pass/fail", "record id")
    body = [
        (r.quantity, r.published, r.model, r.tolerance, "pass" if r.passed else "FAIL", r.record)
        for r in table
    ]
    if "--markdown" in argv:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for b in body:
            print("| " + " | ".join(b) + " |")
    else:
        widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
        for line in [head, *body]:
            print(" | ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))
    n_fail = sum(not r.passed for r in table)
    print(f"\n{len(table)} items, {n_fail} fail")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

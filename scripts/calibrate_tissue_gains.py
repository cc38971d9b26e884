"""Calibrate the tissue gains of the mechanistic insulin-action option.

Each tissue's action is ``I_b + (signal - signal_basal) / gain`` (``model/_action.py``). The
gain is chosen so that, for a healthy person, the mechanistic action matches the published
phenomenological action (Dalla Man, Rizza & Cobelli 2007: ``I_b + X`` for muscle, adipose and
ovary, ``I_d`` for the liver, the delayed anti-lipolytic insulin for lipolysis) in least
squares over a 75-g OGTT and the standard mixed meal. Because the action feeds back on
glucose and insulin, the least-squares slope is iterated to a fixed point:

    gain_new = gain_old * sum(a_mech * a_phen) / sum(a_phen^2),  a = action - I_b

Run: ``python scripts/calibrate_tissue_gains.py``; it prints the gains for ``tissues.toml``
and the largest relative glucose and insulin differences at the protocols' samples.
"""

from __future__ import annotations

import numpy as np

from insulinsim import person, protocols, simulate
from insulinsim.model import Mechanistic

GAINS = {
    "muscle": "action_muscle",
    "adipose": "action_adipose",
    "liver": "action_liver",
    "ovary": "action_ovary",
    "lipolysis": "action_antilipolysis",
}


def run(gains):
    p = person("healthy", {f"tissues.gain_{k}": v for k, v in gains.items()})
    out = []
    for proto in (protocols.ogtt(), protocols.meal_test()):
        out.append((simulate(p, proto), simulate(p, proto, action=Mechanistic())))
    return out


SAMPLES = (0, 10, 20, 30, 45, 60, 75, 90, 120, 150, 180, 210, 240, 300, 360, 420)


def report(gains):
    """Largest relative glucose and insulin differences at the samples (the acceptance check)."""
    for phen, mech in run(gains):
        ts = [t for t in SAMPLES if t <= float(phen.time[-1])]
        for var in ("glucose", "insulin"):
            a = phen[var].sel(time=ts).values[0]
            rel = np.abs(mech[var].sel(time=ts).values[0] - a) / a
            print(f"{phen.attrs['protocol']}: {var} max relative difference {rel.max():.1%}")


def main():
    base = person("healthy").tissues
    gains = {k: float(getattr(base, f"gain_{k}")) for k in GAINS}
    for it in range(6):
        sims = run(gains)
        new = {}
        for k, var in GAINS.items():
            num = den = 0.0
            for phen, mech in sims:
                ib = float(phen.basal_insulin[0])
                a_p = phen[var].values[0] - ib
                a_m = mech[var].values[0] - ib
                num += float(np.sum(a_m * a_p))
                den += float(np.sum(a_p * a_p))
            new[k] = gains[k] * num / den
        change = max(abs(new[k] / gains[k] - 1.0) for k in gains)
        gains = new
        print(f"iteration {it}: " + ", ".join(f"{k}={v:.6g}" for k, v in gains.items()))
        if change < 1e-4:
            break
    report(gains)


if __name__ == "__main__":
    main()

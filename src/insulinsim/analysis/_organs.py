"""Organ responses and the receptor side of the vicious cycle, from simulation results.

Everything here is computed from simulated time courses (mechanistic insulin action), not
written by hand: daily means of the organ fluxes, the quasi-steady sex-hormone read-outs of
``physiology.gonads`` from the day's mean ovarian and hepatic-lipogenic insulin action, and
the insulin-dose probe of the muscle's GLUT4 response for the surface receptors left after
days of hyperinsulinemia.
"""

from __future__ import annotations

import jax
import numpy as np
import pandas as pd
import xarray as xr

from insulinsim.model import glut4_response, insulin_for_glut4, with_exposures
from insulinsim.parameters import Parameters, person
from insulinsim.physiology import gonads

__all__ = ["ORGAN_ROWS", "muscle_dose_response", "organ_table", "receptor_course"]

# (row label, unit, how it is computed from a day's result)
ORGAN_ROWS: tuple[tuple[str, str, str], ...] = (
    ("muscle glucose uptake", "mg/kg/min", "uptake_muscle"),
    ("hepatic glucose output", "mg/kg/min", "egp"),
    ("hepatic lipogenic insulin action", "pmol/L", "action_lipogenic"),
    ("adipose lipolysis", "umol/L/min", "lipolysis"),
    ("plasma FFA", "umol/L", "ffa"),
    ("pancreatic insulin secretion", "pmol/kg/min", "secretion"),
    ("plasma insulin", "pmol/L", "insulin"),
    ("plasma glucose", "mg/dL", "glucose"),
    ("ovarian androgen production (relative)", "1", "gonads:ovary"),
    ("total testosterone", "nmol/L", "gonads:tt"),
    ("SHBG", "nmol/L", "gonads:shbg"),
    ("free androgen index", "%", "gonads:fai"),
)


def organ_table(ds: xr.Dataset, people: list[Parameters]) -> pd.DataFrame:
    """Daily means of each organ's response, one column per person of ``ds``.

    ``ds`` is a day (or several) simulated with the mechanistic option; ``people`` are the
    parameter sets in the order of ``ds.person``.
    """
    mean = ds.mean("time")
    cols = {}
    for k, name in enumerate(ds.person.values):
        p = people[k]
        m = mean.isel(person=k)
        g = gonads.steady_state(
            float(m.action_ovary), float(m.action_lipogenic), p.gonads.visceral_fat_kg, p.gonads
        )
        hormones = {
            "gonads:ovary": float(g.ovarian_androgen_production),
            "gonads:tt": float(g.total_testosterone),
            "gonads:shbg": float(g.shbg),
            "gonads:fai": float(g.free_androgen_index),
        }
        cols[str(name)] = [
            hormones[src] if src.startswith("gonads:") else float(m[src])
            for _, _, src in ORGAN_ROWS
        ]
    index = pd.MultiIndex.from_tuples([(r, u) for r, u, _ in ORGAN_ROWS], names=["organ", "unit"])
    return pd.DataFrame(cols, index=index)


def receptor_course(ds: xr.Dataset, p: Parameters, probe_pmol_l: float = 600.0) -> xr.Dataset:
    """Surface receptors, GLUT4 response and insulin needed over a hyperinsulinemia run.

    For each time of ``ds`` (one person, mechanistic option): the muscle's surface receptors
    (% of the starting value), its GLUT4 response to a minutes-long probe at
    ``probe_pmol_l`` (surface GLUT4 rise over the no-insulin value, % of the starting
    response) and the probe insulin needed to reach the starting response with the receptors
    left (pmol/L).
    """
    one = ds.isel(person=0) if "person" in ds.dims else ds
    surface = one.receptors_muscle.values / 100.0 * float(p.receptor.R_total)
    resp = jax.vmap(lambda s: glut4_response(probe_pmol_l, s, p) - glut4_response(0.0, s, p))
    response = np.asarray(resp(surface))
    target = float(glut4_response(probe_pmol_l, surface[0], p))
    need = np.asarray(jax.vmap(lambda s: insulin_for_glut4(target, s, p))(surface))
    t = one.time.values
    return xr.Dataset(
        {
            "surface_receptors": (
                "time",
                100.0 * surface / surface[0],
                {"units": "% of start", "long_name": "muscle surface insulin receptors"},
            ),
            "glut4_response": (
                "time",
                100.0 * response / response[0],
                {"units": "% of start", "long_name": f"GLUT4 response to {probe_pmol_l:g} pmol/L"},
            ),
            "insulin_needed": (
                "time",
                need,
                {"units": "pmol/L", "long_name": "insulin needed for the starting GLUT4 response"},
            ),
            "gir": (
                "time",
                one.gir.values,
                {"units": "mg/kg/min", "long_name": "glucose infusion"},
            ),
            "insulin": ("time", one.insulin.values, {"units": "pmol/L"}),
        },
        coords={"time": ("time", t, {"units": "min"})},
    )


def muscle_dose_response(
    p: Parameters,
    surface_receptors_percent: float,
    cytokine_exposure: float,
    lipid_exposure_muscle: float,
    insulin_pmol_l: np.ndarray | None = None,
) -> xr.Dataset:
    """The muscle's GLUT4 response across insulin levels: healthy reference vs a person.

    The person is given as a years run (:func:`insulinsim.solve.progress`) records them at one
    time: surface receptors (% of the healthy reference's, ``surface_receptors_muscle``) and the
    inhibitor exposures (``cytokine_exposure``, ``lipid_exposure_muscle``). The healthy
    reference is the ``healthy`` preset with no inhibitor exposure and the receptor pool of its
    standard day, as the years model normalises against. Each insulin level is a minutes-long
    probe (binding and signalling at steady state, the surface pool as it is).

    This is the receptor-and-signalling part of the muscle's insulin resistance; the direct
    effects of risk factors (activity, PCOS, ...) and the lean-mass share act on top of it in
    the years model's ``sensitivity_muscle``.

    Returns
    -------
    xarray.Dataset
        Over ``insulin`` (pmol/L): ``glut4_healthy`` and ``glut4_person`` (surface GLUT4, % of
        the basal total) and ``insulin_needed`` (pmol/L the person needs for the healthy
        response at that insulin; NaN where out of reach).
    """
    from insulinsim.solve import progress_reference

    for name, v, lo, hi in (
        ("surface_receptors_percent", surface_receptors_percent, 0.0, 1000.0),
        ("cytokine_exposure", cytokine_exposure, 0.0, 1.0),
        ("lipid_exposure_muscle", lipid_exposure_muscle, 0.0, 1.0),
    ):
        if not (np.isfinite(v) and lo <= v <= hi):
            raise ValueError(f"{name} = {v!r}: allowed range [{lo:g}, {hi:g}]")
    insulin = np.geomspace(10.0, 10_000.0, 31) if insulin_pmol_l is None else insulin_pmol_l
    insulin = np.asarray(insulin, dtype=np.float64)
    ref = progress_reference()
    healthy = with_exposures(person("healthy"), 0.0, 0.0)
    you = with_exposures(p, float(cytokine_exposure), float(lipid_exposure_muscle))
    s_h = float(ref.surface_muscle)
    s_p = s_h * float(surface_receptors_percent) / 100.0
    g_h = jax.vmap(lambda i: glut4_response(i, s_h, healthy))(insulin)
    g_p = jax.vmap(lambda i: glut4_response(i, s_p, you))(insulin)
    need = jax.vmap(lambda t: insulin_for_glut4(t, s_p, you))(g_h)
    coords = {"insulin": ("insulin", insulin, {"units": "pmol/L", "long_name": "probe insulin"})}
    return xr.Dataset(
        {
            "glut4_healthy": (
                "insulin",
                np.asarray(g_h),
                {"units": "% of basal total", "long_name": "surface GLUT4, healthy reference"},
            ),
            "glut4_person": (
                "insulin",
                np.asarray(g_p),
                {"units": "% of basal total", "long_name": "surface GLUT4, this person"},
            ),
            "insulin_needed": (
                "insulin",
                np.asarray(need),
                {
                    "units": "pmol/L",
                    "long_name": "insulin this person needs for the healthy response",
                },
            ),
        },
        coords=coords,
        attrs={
            "surface_receptors_percent": float(surface_receptors_percent),
            "cytokine_exposure": float(cytokine_exposure),
            "lipid_exposure_muscle": float(lipid_exposure_muscle),
        },
    )

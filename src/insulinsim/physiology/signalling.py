"""Post-receptor signalling: IRS-1 -> PI3K -> PIP3 -> Akt and PKC-zeta -> GLUT4.

Sedaghat, Sherman & Quon 2002 (curated model BIOMD0000000137), in the paper's units:

    IRS-1:  x9 <-> x10       k7 x9 (x4 + x5)/IRp_ref,  k_-7 PTP x10
    PI3K:   x10 + x11 <-> x12 (k8, k_-8)
    PIP3:   x14 (PI(4,5)P2) <-> x13 (PIP3) <-> x15 (PI(3,4)P2)
            k9 = (k9_stim + k9_basal) x12/PI3K_ref + k9_basal;  k_-9 PTEN;  k10, k_-10 SHIP
    Akt, PKC-zeta: k11 = a_max k_-11 (x13 - PIP3_b)/(PIP3_max - PIP3_b), same for k12
    GLUT4:  x20 (intracellular) <-> x21 (surface), k13 + k13' and k_-13; synthesis k14,
            degradation k_-14 x20;  k13' = (S_max/I_max - 4/96) k_-13 Effect,
            Effect = (w_Akt x17 + w_PKC x19)/AP_equil

Everything upstream of GLUT4 relaxes within seconds (the slowest rate is IRS-1's
k7 + k_-7, about 5/min), against minutes for GLUT4 and hours for receptor trafficking, so the
cascade is taken at quasi-steady state given the phosphorylated receptors (:func:`cascade`,
solved in closed form: a quadratic for the IRS-1/PI3K complex, linear for the rest) and only
GLUT4 is integrated (:func:`glut4_derivatives`). ``tests/integration`` checks this reduction
against the full published equations integrated by SciPy.

Inhibitory inputs act on named steps as multiplicative factors in [0, 1] (see
:func:`inhibition` and ``inhibitors.toml``): IRS-1 tyrosine phosphorylation (cytokines via
IRS-1 serine phosphorylation; DAG/PKC-theta in muscle, PKC-epsilon in liver), Akt activation
(ceramide), receptor binding (GM3 ganglioside, in ``receptor``), GLUT4 translocation
(membrane cholesterol). Exercise's contraction/AMPK route to GLUT4 is outside this cascade:
the fast model adds its uptake next to, not through, these signals.
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from insulinsim.parameters import Inhibitors, Signalling

__all__ = [
    "Cascade",
    "Factors",
    "cascade",
    "glut4_derivatives",
    "glut4_steady",
    "inhibition",
    "zero_insulin_glut4",
]


class Cascade(NamedTuple):
    """Quasi-steady cascade read-outs, in the paper's units."""

    irs1_p: object  # phosphorylated IRS-1 (free), of IRS1_total
    complex: object  # IRS-1/PI3K complex, of PI3K_total
    pip3: object  # % of the phosphoinositide pool
    akt: object  # active Akt, of Akt_total
    pkc: object  # active PKC-zeta, of PKC_total
    effect: object  # GLUT4 translocation signal (1 at the published equilibrium design)


class Factors(NamedTuple):
    """Multiplicative factors (1 = no inhibition) on the steps inhibitors act on."""

    binding: object
    irs1: object
    akt: object
    glut4: object


def inhibition(q: Inhibitors, weight=1.0, lipid_weight=1.0) -> Factors:
    """Step factors from the person's inhibitor exposures.

    ``weight`` is the share of the systemic exposures a tissue feels (0 for a tissue that
    stays sensitive); ``lipid_weight`` the tissue's share of the ectopic-lipid exposure. An
    exposure e in [0, 1] with a measured fractional effect E at e = 1 gives the factor
    (1 - E)^e: exposure 1 reproduces the experiment, and two inhibitors on one step multiply.
    """

    def f(effect, exposure):
        return (1.0 - effect) ** (weight * exposure)

    lipid = (1.0 - q.lipid_effect_irs1) ** (weight * lipid_weight * q.lipid_exposure)
    return Factors(
        binding=f(q.gm3_effect_binding, q.gm3_exposure),
        irs1=f(q.cytokine_effect_irs1, q.cytokine_exposure) * lipid,
        akt=f(q.ceramide_effect_akt, q.ceramide_exposure),
        glut4=f(q.cholesterol_effect_glut4, q.cholesterol_exposure),
    )


def cascade(phosphorylated_receptors, p: Signalling, irs1_factor=1.0, akt_factor=1.0) -> Cascade:
    """Quasi-steady IRS-1, PI3K, PIP3, Akt and PKC-zeta from the phosphorylated receptors.

    ``phosphorylated_receptors`` is x4 + x5 in receptor units (see ``receptor.phosphorylated``).
    """
    # IRS-1: x10 = a x9 with a = k7 r / (k_-7 PTP); complex u = c x10 x11 with c = k8 / k_-8,
    # and the conservation of IRS-1 (T) and PI3K (P) gives c a u^2 - B u + c a P T = 0
    r = jnp.maximum(phosphorylated_receptors, 0.0) / p.IRp_ref
    a = irs1_factor * p.k7 * r / p.k_minus7
    c = p.k8 / p.k_minus8
    T, P = p.IRS1_total, p.PI3K_total
    ca = c * a
    B = 1.0 + a + ca * (T + P)
    u = 2.0 * ca * P * T / (B + jnp.sqrt(jnp.maximum(B * B - 4.0 * ca * ca * P * T, 0.0)))
    x9 = (T - u) / (1.0 + a)
    # phosphoinositides: both exchanges at equilibrium, pool conserved
    k9 = (p.k9_stimulated + p.k9_basal) * u / p.PI3K_ref + p.k9_basal
    pip3 = p.PI_total / (1.0 + p.k_minus9 * p.PTEN / k9 + p.k_minus10 * p.SHIP / p.k10)
    drive = jnp.maximum(pip3 - p.PIP3_basal, 0.0) / (p.PIP3_max - p.PIP3_basal)
    k11 = akt_factor * p.activation_max * p.k_minus11 * drive
    k12 = p.activation_max * p.k_minus12 * drive
    akt = p.Akt_total * k11 / (k11 + p.k_minus11)
    pkc = p.PKC_total * k12 / (k12 + p.k_minus12)
    effect = (p.akt_weight * akt + p.pkc_weight * pkc) / p.AP_equil
    return Cascade(irs1_p=a * x9, complex=u, pip3=pip3, akt=akt, pkc=pkc, effect=effect)


def _exocytosis(effect, p: Signalling, glut4_factor=1.0):
    basal_ratio = p.k13 / p.k_minus13
    k13p = (p.glut4_surface_max / p.glut4_intracellular_max - basal_ratio) * p.k_minus13 * effect
    return p.k13 + glut4_factor * k13p


def glut4_derivatives(g4_in, g4_surf, effect, p: Signalling, glut4_factor=1.0):
    """d/dt of intracellular and surface GLUT4 (% of the basal total per minute)."""
    exo = _exocytosis(effect, p, glut4_factor) * g4_in
    endo = p.k_minus13 * g4_surf
    return p.k14 - p.k_minus14 * g4_in - exo + endo, exo - endo


def glut4_steady(effect, p: Signalling, glut4_factor=1.0):
    """Steady intracellular and surface GLUT4 (%) for a constant translocation signal."""
    g4_in = p.k14 / p.k_minus14
    return g4_in, _exocytosis(effect, p, glut4_factor) * g4_in / p.k_minus13


def zero_insulin_glut4(p: Signalling):
    """GLUT4 (intracellular, surface) with no insulin: the published 96 % / 4 %."""
    return glut4_steady(0.0, p)

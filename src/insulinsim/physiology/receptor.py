"""The insulin receptor: binding, autophosphorylation, trafficking and down-regulation.

Binding and trafficking follow Sedaghat, Sherman & Quon 2002 (curated model
BIOMD0000000137). Receptor species, in the paper's units (1000 = one cell's basal pool):

    x2  free surface receptor               x6  free intracellular receptor
    x3  once-bound, unphosphorylated        x7  internalised twice-bound, phosphorylated
    x4  once-bound, phosphorylated          x8  internalised once-bound, phosphorylated
    x5  twice-bound, phosphorylated

Reactions (I is the insulin concentration at the receptor, pmol/L):

    x2 + I <-> x3 (k1, k_-1);  x3 -> x4 (k3);  x4 + I <-> x5 (k2, k_-2)
    x4 -> x2 (k_-3 PTP, dephosphorylation releases insulin)
    x2 <-> x6 (k4, k_-4);  x5 <-> x7 and x4 <-> x8 (k4', k_-4')
    x7, x8 -> sorted (k6 PTP): a share phi to the lysosome, the rest to x6 (recycling)

Autophosphorylation (k3 = 2500/min) and the second site's exchange (k_-2 = 20/min) are much
faster than everything else, so two pools are integrated in their place: the unphosphorylated
surface receptors ``x2 + x3`` (with x3 at quasi-steady state, x3/x2 = k1 I/(k_-1 + k3)) and
the phosphorylated surface receptors ``x4 + x5`` (in rapid equilibrium, x5/x4 = k2 I/k_-2).
With x6, x7 and x8 that makes five integrated pools per cell; receptors are conserved
exactly by the exchanges.

**Down-regulation (this project).** The published model holds the pool near 1000 with a
homeostat. Here instead (i) every receptor turns over constitutively with the measured basal
half-life, new receptors arriving with the published zero-insulin distribution (90 % surface),
and (ii) the share ``phi`` of sorted, internalised insulin-bound receptors sent to the
lysosome rises with receptor occupancy,

    phi = phi_max s^n / (K_lys^n + s^n),   s = (x3 + x4 + x5 + x7 + x8) / R_total,

so hours of high insulin deplete the pool (the loss integrates over the slow internalisation
of occupied receptors) and normal insulin lets synthesis restore it over about a day.
``phi_max`` and ``K_lys`` are calibrated to the plateau and half-maximal insulin of the
down-regulation measured by Heaton & Gelehrter 1981 (see ``receptor.toml``).

All functions are elementwise: receptor amounts may carry any batch or tissue axes.
``scale`` is a tissue's receptor pool relative to the published one; ``binding`` (<= 1)
scales both association constants (an affinity loss, e.g. from membrane GM3).
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Receptor

__all__ = [
    "derivatives",
    "lysosomal_share",
    "occupancy",
    "split",
    "surface",
    "turnover_rate",
    "zero_insulin_state",
]


def turnover_rate(p: Receptor):
    """Constitutive turnover rate (1/min) from the basal receptor half-life (h)."""
    return jnp.log(2.0) / (p.half_life_h * 60.0)


def _surface_share(p: Receptor):
    # zero-insulin balance x2 k4 = x6 k_-4 gives the published 90 % on the surface
    return p.k_minus4 / (p.k4 + p.k_minus4)


def zero_insulin_state(scale, p: Receptor):
    """(x2 + x3, x4 + x5, x6, x7, x8) at zero insulin: the published basal distribution, scaled."""
    r = p.R_total * scale
    f = _surface_share(p)
    z = jnp.zeros_like(r)
    return f * r, z, (1.0 - f) * r, z, z


def split(free, phos, insulin, p: Receptor, binding=1.0):
    """Split the lumped surface pools into (x2, x3, x4, x5), receptor units.

    ``free`` is x2 + x3 (unphosphorylated surface receptors), ``phos`` is x4 + x5.
    """
    beta = binding * p.k1 * insulin / (p.k_minus1 + p.k3)
    kappa = binding * p.k2 * insulin / p.k_minus2
    x2 = free / (1.0 + beta)
    x4 = phos / (1.0 + kappa)
    return x2, free - x2, x4, phos - x4


def surface(free, phos):
    """All surface receptors (free and bound), receptor units: what a binding assay counts."""
    return free + phos


def occupancy(free, phos, x7, x8, insulin, scale, p: Receptor, binding=1.0):
    """Insulin-bound receptors (surface and internalised) as a fraction of the basal pool."""
    _, x3, _, _ = split(free, phos, insulin, p, binding)
    return (x3 + phos + x7 + x8) / (p.R_total * scale)


def lysosomal_share(s, p: Receptor):
    """Share of sorted internalised insulin-bound receptors sent to the lysosome."""
    sn = jnp.maximum(s, 0.0) ** p.n_lys
    return p.lysosomal_share_max * sn / (p.K_lys**p.n_lys + sn)


def derivatives(free, phos, x6, x7, x8, insulin, scale, p: Receptor, binding=1.0):
    """d/dt of the pools (x2 + x3, x4 + x5, x6, x7, x8), receptor units per minute.

    ``insulin`` in pmol/L; ``scale`` the tissue's receptor pool relative to R_total.
    """
    x2, x3, x4, x5 = split(free, phos, insulin, p, binding)
    k_t = turnover_rate(p)
    r = p.R_total * scale
    f = _surface_share(p)
    autophos = p.k3 * x3
    dephos = p.k_minus3 * p.PTP * x4
    endo_free = p.k4 * x2 - p.k_minus4 * x6
    endo_twice = p.k4prime * x5 - p.k_minus4prime * x7
    endo_once = p.k4prime * x4 - p.k_minus4prime * x8
    sort7 = p.k6 * p.PTP * x7
    sort8 = p.k6 * p.PTP * x8
    s = (x3 + phos + x7 + x8) / r
    recycle = 1.0 - lysosomal_share(s, p)
    d_free = -autophos + dephos - endo_free + k_t * (f * r - free)
    d_phos = autophos - dephos - endo_once - endo_twice - k_t * phos
    dx6 = endo_free + recycle * (sort7 + sort8) + k_t * ((1.0 - f) * r - x6)
    dx7 = endo_twice - sort7 - k_t * x7
    dx8 = endo_once - sort8 - k_t * x8
    return d_free, d_phos, dx6, dx7, dx8

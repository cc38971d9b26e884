"""Pancreas: beta-cell insulin secretion (static and dynamic phases) and alpha-cell glucagon.

Insulin (Dalla Man, Rizza & Cobelli 2007, eqs. 17-19):

    S       = gamma I_po
    dI_po/dt = -gamma I_po + S_po
    S_po    = max(Y + K max(dG/dt, 0) + S_b, 0)
    dY/dt   = -alpha (Y - max(beta (G - h), -S_b)),   h = G_b

K (pmol/kg per mg/dL) is the dynamic, first-phase responsivity to the rate of rise of glucose;
beta (pmol/kg/min per mg/dL) the static, second-phase responsivity, delayed by 1/alpha.

Glucagon (UVA/Padova S2013, Dalla Man et al. 2014, eqs. A18-A21, as implemented openly; the
parameter values are placeholders, see ``data/params/glucagon.toml``):

    dH/dt     = -n H + SR_H^s + SR_H^d
    dSR_H^s/dt = -rho (SR_H^s - max(sigma (G_b - G) / (1 + max(I - I_b, 0)) + n H_b, 0))
    SR_H^d    = delta max(-dG/dt, 0)

H in pg/mL, secretion in pg/mL/min, glucose in mg/dL, insulin in pmol/L.

Slow beta-cell mass and function (days to decades; Ha & Sherman 2020, constants in
``data/params/beta_cell.toml``): mass follows proliferation driven by per-cell secretory demand
against apoptosis driven by glucose metabolism; function (sigma) rises with demand and is lost
at high glucose (glucotoxicity). Secretion per unit function senses glucose through their
exocytosis model at steady state, with the shift of glucose sensing (gamma) that adapts within
days. The Topp model itself (glucose, insulin, beta-cell mass in days) is here too,
as the classic reference its fixed points are checked against.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import BetaCell, Glucagon, Pancreas

__all__ = [
    "beta_apoptosis",
    "beta_function_target",
    "beta_metabolism",
    "beta_proliferation",
    "glucagon_derivatives",
    "glucose_sensing_shift_target",
    "insulin_secretion_derivatives",
    "portal_secretion",
    "secretion_factor",
    "secretion_per_function",
    "topp_beta_rate",
    "topp_derivatives",
]


def portal_secretion(I_po, p: Pancreas):
    """Insulin secretion into the portal vein reaching the liver, S (pmol/kg/min)."""
    return p.gamma * I_po


def insulin_secretion_derivatives(Y, I_po, G, dG_dt, G_b, p: Pancreas):
    """dY/dt (pmol/kg/min^2) and dI_po/dt (pmol/kg/min) of beta-cell secretion.

    ``G`` and ``G_b`` in mg/dL, ``dG_dt`` in mg/dL/min.
    """
    dY = -p.alpha * (Y - jnp.maximum(p.beta * (G - G_b), -p.S_b))
    S_po = jnp.maximum(Y + p.K * jnp.maximum(dG_dt, 0.0) + p.S_b, 0.0)
    dI_po = -p.gamma * I_po + S_po
    return dY, dI_po


def glucagon_derivatives(H, SR_Hs, G, dG_dt, I, G_b, I_b, g: Glucagon):
    """dH/dt (pg/mL/min) and dSR_H^s/dt (pg/mL/min^2) of glucagon secretion and kinetics."""
    SR_Hb = g.n * g.H_b
    target = jnp.maximum(g.sigma * (G_b - G) / (1.0 + jnp.maximum(I - I_b, 0.0)) + SR_Hb, 0.0)
    dSR_Hs = -g.rho * (SR_Hs - target)
    SR_Hd = g.delta * jnp.maximum(-dG_dt, 0.0)
    dH = -g.n * H + SR_Hs + SR_Hd
    return dH, dSR_Hs


# ------------------------------------------------------------------ slow: beta-cell mass, function


def beta_metabolism(G, p: BetaCell):
    """Beta-cell glucose metabolism M(G) in [0, 1) (glucose in mg/dL)."""
    g = jnp.maximum(G, 0.0) ** p.k_M
    return g / (p.alpha_M**p.k_M + g)


def beta_proliferation(isr, p: BetaCell):
    """Proliferation rate P(ISR) (units of 1/tau_b) from per-cell secretion in HS units."""
    x = jnp.maximum(isr, 0.0) ** p.k_P
    return p.P_max * x / (p.alpha_P**p.k_P + x)


def beta_apoptosis(G, p: BetaCell):
    """Apoptosis rate A(M(G)) (units of 1/tau_b): basal plus glucotoxic."""
    m = beta_metabolism(G, p) ** p.k_A
    return p.A_max * m / (p.alpha_A**p.k_A + m) + p.A_b


def beta_function_target(G, isr, p: BetaCell, ceiling=1.0):
    """Steady beta-cell function sigma_inf(G, ISR) (dimensionless).

    ``ceiling`` multiplies the demand-driven ceiling ``ISRI_bar`` (a beta-cell defect, e.g.
    genetic, is a ceiling below 1).
    """
    m = beta_metabolism(jnp.maximum(G - p.sigma_Gsh, 0.0), p)
    loss = 1.0 - 1.0 / (1.0 + p.MI_k * jnp.exp(-(m - p.MI_s) / p.MI_n))
    demand = ceiling * p.ISRI_bar / (1.0 + jnp.exp(-(isr - p.ISRI_s) / p.ISRI_n))
    return loss * demand + p.sigma_b


def glucose_sensing_shift_target(G, p: BetaCell):
    """gamma_inf(G): the steady shift of beta-cell glucose sensing (Ha-Sherman glucose, mg/dL).

    Sustained glucose above ~100 mg/dL shifts the metabolism-to-calcium coupling to the left
    within days (Ha, Satin & Sherman 2016; Ha & Sherman 2020), the fast arm of compensation.
    """
    return p.gamma_bar / (1.0 + jnp.exp(-(G - p.gamma_Gs) / p.gamma_Gn)) - p.gamma_shift


def _hill(x, alpha, n):
    x = jnp.maximum(x, 0.0)
    return x**n / (alpha**n + x**n)


def secretion_per_function(G, gamma, p: BetaCell):
    """Steady insulin secretion per unit of beta-cell mass at function sigma = 1, ISR(G, gamma).

    The Ha & Sherman 2020 exocytosis model with its vesicle pools at steady state: glucose
    metabolism M(G) plus the sensing shift gamma set cytosolic and microdomain calcium, which
    drive docking, priming and fusion; resupply of the reserve pool is amplified by GF(G) and
    scales with sigma (secretion is proportional to sigma at steady state). Ha-Sherman glucose
    in mg/dL; ISR in the authors' units (12.83 at their normal baseline).
    """
    M = beta_metabolism(G, p)
    ca = p.ca_bar * _hill(M + gamma, p.alpha_ca, p.k_ca) + p.ca_b
    cmd = p.cmd_factor * _hill(ca, p.alpha_cmd, p.k_cmd) + p.cmd_b
    gf = p.GF_bar / (1.0 + (p.alpha_GF / jnp.maximum(G - p.shift_GF, 1e-9)) ** p.k_GF) + p.GF_b
    k1c = p.exo_k1 * cmd
    r2 = p.exo_r20 * ca / (ca + p.exo_Kp2)
    r3 = gf * p.exo_r30 * ca / (ca + p.exo_Kp2)
    # the fast pools N1..N4 as fractions of the docked pool N5 (quasi-steady)
    c4 = k1c / (3.0 * p.exo_km1 + p.exo_u1)
    c3 = (2.0 * k1c / (2.0 * p.exo_km1 + k1c)) / (
        1.0 - 3.0 * p.exo_km1 / (2.0 * p.exo_km1 + k1c) * c4
    )
    c2 = (3.0 * k1c / (2.0 * k1c + p.exo_km1)) / (
        1.0 - 2.0 * p.exo_km1 / (2.0 * k1c + p.exo_km1) * c3
    )
    c1 = (p.exo_r1 / (3.0 * k1c + p.exo_rm1)) / (1.0 - p.exo_km1 / (3.0 * k1c + p.exo_rm1) * c2)
    # docked N5 and reserve N6 at steady state (N5' = N6' = 0)
    a = p.exo_rm1 * c1 - (p.exo_r1 + p.exo_rm2)
    d = p.exo_rm3 + r2
    N5 = -(r2 * r3 / d) / (a + r2 * p.exo_rm2 / d)
    return p.exo_ts * 9.0 * p.exo_u1 * c4 * c3 * c2 * c1 * N5


def secretion_factor(G, gamma, G0, gamma0, p: BetaCell):
    """Secretion at fasting glucose G (this model's mg/dL) and sensing shift gamma, relative to
    that at the person's starting fasting glucose ``G0`` and shift ``gamma0``."""
    s = p.glucose_scale
    return secretion_per_function(G * s, gamma, p) / secretion_per_function(G0 * s, gamma0, p)


def topp_beta_rate(G, d0, r1, r2):
    """Net beta-cell growth rate of Topp et al. 2000 (1/day): -d0 + r1 G - r2 G^2."""
    return -d0 + r1 * G - r2 * G * G


def topp_derivatives(G, I, beta, R0, EG0, SI, sigma, alpha, k, d0, r1, r2):
    """The Topp et al. 2000 model (time in days; G mg/dL, I uU/mL, beta mg).

    dG/dt = R0 - (EG0 + SI I) G;  dI/dt = beta sigma G^2 / (alpha + G^2) - k I;
    dbeta/dt = (-d0 + r1 G - r2 G^2) beta.
    """
    dG = R0 - (EG0 + SI * I) * G
    dI = beta * sigma * G * G / (alpha + G * G) - k * I
    dbeta = topp_beta_rate(G, d0, r1, r2) * beta
    return dG, dI, dbeta


def cpeptide_secretion_rate(C, volume, half_life_short, half_life_long, fraction_fast):
    """Steady-state secretion rate of C-peptide (= of insulin, co-secreted equimolar), pmol/min.

    Two-compartment C-peptide kinetics (Van Cauter 1992): with ``a = ln2 / half_life_short``,
    ``b = ln2 / half_life_long`` and fast fraction F, the exchange constant back to plasma is
    ``k21 = F b + (1 - F) a`` and elimination from plasma ``k10 = a b / k21``; at steady state
    the tissue compartment is in balance and secretion equals ``k10 x V x C``.

    C : plasma C-peptide, pmol/L; volume : distribution volume, L; half-lives in min.
    """
    a = jnp.log(2.0) / half_life_short
    b = jnp.log(2.0) / half_life_long
    k21 = fraction_fast * b + (1.0 - fraction_fast) * a
    return a * b / k21 * volume * C

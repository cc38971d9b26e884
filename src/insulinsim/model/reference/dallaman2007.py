"""The meal model of Dalla Man, Rizza & Cobelli (2007) as one readable NumPy file.

A test oracle: written straight from the paper's equations (numbered as in the paper),
independently of the organ modules, with plain floats and a state vector. It has no glucagon,
exercise, subcutaneous insulin or clamp, so compare it with the full model with the glucagon
action switched off (``glucagon.xi = 0``).

References
----------
Dalla Man C, Rizza RA, Cobelli C. Meal simulation model of the glucose-insulin system.
IEEE Trans Biomed Eng 2007;54(10):1740-1749.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

__all__ = ["STATE", "basal", "rhs"]

STATE = ("Q_sto1", "Q_sto2", "Q_gut", "G_p", "G_t", "I_l", "I_p", "I_po", "Y", "X", "I_1", "I_d")


def basal(p: dict) -> dict:
    """Basal steady state from the parameters (``p`` maps symbol to value, e.g. p["V_G"])."""
    S_b = p["S_b"]
    HE_b = p["m_6"] - p["m_5"] * S_b
    m_3 = HE_b * p["m_1"] / (1 - HE_b)
    # eqs. 3-4 at steady state
    I_pb = S_b / ((p["m_1"] + m_3) * (p["m_2"] + p["m_4"]) / p["m_1"] - p["m_2"])
    I_lb = (p["m_2"] + p["m_4"]) * I_pb / p["m_1"]
    I_b = I_pb / p["V_I"]
    I_pob = S_b / p["gamma"]

    def G_t_of(G_p):  # eq. 1b at steady state: V_m0 G_t/(K_m0+G_t) = k_1 G_p - k_2 G_t
        return brentq(
            lambda G_t: p["V_m0"] * G_t / (p["K_m0"] + G_t) - p["k_1"] * G_p + p["k_2"] * G_t,
            0.0,
            1e5,
        )

    def balance(G_p):  # eq. 1a at steady state
        G_t = G_t_of(G_p)
        EGP = max(p["k_p1"] - p["k_p2"] * G_p - p["k_p3"] * I_b - p["k_p4"] * I_pob, 0.0)
        E = p["k_e1"] * max(G_p - p["k_e2"], 0.0)
        return EGP - p["F_cns"] - E - p["k_1"] * G_p + p["k_2"] * G_t

    G_pb = brentq(balance, 1.0, 5000.0, xtol=1e-12)
    return {
        "G_pb": G_pb,
        "G_tb": G_t_of(G_pb),
        "G_b": G_pb / p["V_G"],
        "I_b": I_b,
        "I_pb": I_pb,
        "I_lb": I_lb,
        "I_pob": I_pob,
        "S_b": S_b,
    }


def rhs(t: float, x: np.ndarray, p: dict, b: dict, ingestion_mg_min: float, D_mg: float):
    """dx/dt of the meal model; ``ingestion_mg_min`` and ``D_mg`` are the meal input."""
    Q_sto1, Q_sto2, Q_gut, G_p, G_t, I_l, I_p, I_po, Y, X, I_1, I_d = x
    BW = p["BW"]
    G = G_p / p["V_G"]
    I = I_p / p["V_I"]
    # gastrointestinal tract, eqs. 10-13
    Q_sto = Q_sto1 + Q_sto2
    if D_mg > 0:
        aa = 5 / (2 * D_mg * (1 - p["b"]))
        cc = 5 / (2 * D_mg * p["d"])
        k_empt = p["k_min"] + (p["k_max"] - p["k_min"]) / 2 * (
            math.tanh(aa * (Q_sto - p["b"] * D_mg)) - math.tanh(cc * (Q_sto - p["d"] * D_mg)) + 2
        )
    else:
        k_empt = p["k_max"]
    Ra = p["f"] * p["k_abs"] * Q_gut / BW
    # liver, eqs. 14-16
    EGP = max(p["k_p1"] - p["k_p2"] * G_p - p["k_p3"] * I_d - p["k_p4"] * I_po, 0.0)
    # utilization, eqs. 20-25
    U_ii = p["F_cns"]
    U_id = (p["V_m0"] + p["V_mx"] * X) * G_t / (p["K_m0"] + G_t)
    # renal excretion, eq. 27
    E = p["k_e1"] * max(G_p - p["k_e2"], 0.0)
    dG_p = EGP + Ra - U_ii - E - p["k_1"] * G_p + p["k_2"] * G_t
    dG_t = -U_id + p["k_1"] * G_p - p["k_2"] * G_t
    # secretion, eqs. 17-19
    dG = dG_p / p["V_G"]
    S = p["gamma"] * I_po
    dY = (
        -p["alpha"] * (Y - p["beta"] * (G - b["G_b"]))
        if p["beta"] * (G - b["G_b"]) >= -b["S_b"]
        else -p["alpha"] * Y - p["alpha"] * b["S_b"]
    )
    S_po = Y + p["K"] * dG + b["S_b"] if dG > 0 else Y + b["S_b"]
    dI_po = -p["gamma"] * I_po + max(S_po, 0.0)
    # insulin kinetics with hepatic extraction, eqs. 3-9
    HE = -p["m_5"] * S + p["m_6"]
    m_3 = HE * p["m_1"] / (1 - HE)
    dI_l = -(p["m_1"] + m_3) * I_l + p["m_2"] * I_p + S
    dI_p = -(p["m_2"] + p["m_4"]) * I_p + p["m_1"] * I_l
    return np.array(
        [
            -p["k_gri"] * Q_sto1 + ingestion_mg_min,
            -k_empt * Q_sto2 + p["k_gri"] * Q_sto1,
            -p["k_abs"] * Q_gut + k_empt * Q_sto2,
            dG_p,
            dG_t,
            dI_l,
            dI_p,
            dI_po,
            dY,
            -p["p_2U"] * X + p["p_2U"] * (I - b["I_b"]),
            -p["k_i"] * (I_1 - I),
            -p["k_i"] * (I_d - I_1),
        ]
    )

"""Typed, immutable parameter sets: one frozen module per organ group.

A :class:`Parameters` holds numbers only (JAX arrays or floats), so it can be passed through
``jit`` and ``vmap``; a population is the same type with a leading ``person`` axis on every leaf.
The unit, source and derivation of every field live in ``insulinsim/data/params/<group>.toml``
and are exposed by :func:`insulinsim.parameters.parameter_info`.
"""

from __future__ import annotations

import dataclasses

import equinox as eqx
from jaxtyping import ArrayLike

__all__ = [
    "Adipose",
    "Body",
    "Brain",
    "Exercise",
    "Glucagon",
    "Glucose",
    "Gut",
    "Insulin",
    "Kidney",
    "Liver",
    "Muscle",
    "Pancreas",
    "Parameters",
    "Subcutaneous",
    "group_fields",
]

F = ArrayLike  # a scalar, or an array with a leading person axis in a population


class Body(eqx.Module):
    BW: F
    height: F


class Gut(eqx.Module):
    k_gri: F
    k_max: F
    k_min: F
    k_abs: F
    f: F
    b: F
    d: F


class Glucose(eqx.Module):
    V_G: F
    k_1: F
    k_2: F
    V_m0: F
    V_mx: F
    K_m0: F
    p_2U: F


class Insulin(eqx.Module):
    V_I: F
    m_1: F
    m_2: F
    m_4: F
    m_5: F
    m_6: F
    HE_b: F


class Liver(eqx.Module):
    k_p1: F
    k_p2: F
    k_p3: F
    k_p4: F
    k_i: F


class Pancreas(eqx.Module):
    K: F
    alpha: F
    beta: F
    gamma: F
    S_b: F


class Brain(eqx.Module):
    F_cns: F
    G_sat: F


class Kidney(eqx.Module):
    k_e1: F
    k_e2: F


class Muscle(eqx.Module):
    share_muscle: F


class Adipose(eqx.Module):
    share_adipose: F


class Glucagon(eqx.Module):
    n: F
    rho: F
    sigma: F
    delta: F
    k_H: F
    xi: F
    H_b: F


class Exercise(eqx.Module):
    t_HR: F
    t_in: F
    t_ex: F
    a: F
    n_ex: F
    beta_ex: F
    alpha_ex: F
    gamma_ex: F
    HR_b: F


class Subcutaneous(eqx.Module):
    k_d: F
    k_a1: F
    k_a2: F
    basal_rate: F


class Parameters(eqx.Module):
    """All parameters of one person (or, with a leading axis, of a population)."""

    body: Body
    gut: Gut
    glucose: Glucose
    insulin: Insulin
    liver: Liver
    pancreas: Pancreas
    brain: Brain
    kidney: Kidney
    muscle: Muscle
    adipose: Adipose
    glucagon: Glucagon
    exercise: Exercise
    subcutaneous: Subcutaneous


def group_fields() -> dict[str, tuple[type[eqx.Module], tuple[str, ...]]]:
    """Map each group name to its class and field names, in declaration order."""
    out = {}
    for fld in dataclasses.fields(Parameters):
        cls = fld.type if isinstance(fld.type, type) else globals()[fld.type]
        out[fld.name] = (cls, tuple(f.name for f in dataclasses.fields(cls)))
    return out

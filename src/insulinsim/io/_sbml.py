"""SBML Level 3 export of the fast model with the phenomenological insulin action.

The exported model is the right-hand side of :func:`insulinsim.model.rhs` with
:class:`~insulinsim.model.Phenomenological` insulin action, written out equation by equation:

- every state of :class:`~insulinsim.model.State` (except the mechanistic option's ``cells``) is
  a global parameter with a rate rule, starting at the person's basal steady state
  (:func:`~insulinsim.model.basal_state`, :func:`~insulinsim.model.initial_state`);
- every intermediate quantity and observable flux (glucose, insulin, EGP, uptake by organ, ...)
  is a parameter with an assignment rule, named with the symbol the organ module uses;
- every model parameter is a constant parameter with its unit (a ``UnitDefinition``), notes
  giving its description, source, locator and how it was obtained, a machine-readable
  ``insulinsim:provenance`` annotation and, where the source has a DOI, a
  ``bqbiol:isDescribedBy`` link;
- the protocol's inputs (ingestion, infusions, heart rate, the clamp) are parameters that
  SBML events switch at every breakpoint of the protocol's schedule
  (:func:`insulinsim.protocols.build_schedule`), with the values the simulator uses.

The equations are transcribed by hand into the string-formula tables ``_RULES`` and ``_RATES``
below (one row per line of the organ functions in ``insulinsim.physiology``);
``tests/integration/test_sbml_roadrunner.py`` simulates the export with libroadrunner and
checks it against :func:`insulinsim.solve.simulate`, which is what keeps the two from
drifting apart. Change an organ function and that test fails until the table follows.

In the formula tables a bare number is dimensionless and ``{value unit}`` is a number with a
unit (written in the project's unit notation, e.g. ``{0 mg/kg/min}``), so that libsbml can
check the units of every expression.

References
----------
hucka2003sbml, keating2020sbml (SBML); bornstein2008libsbml (libSBML); welsh2023roadrunner
(libRoadRunner, used by the cross-check).
"""

from __future__ import annotations

import dataclasses
import html
import math
import os
import re
import tomllib
from importlib import resources
from pathlib import Path

import libsbml
import numpy as np

from insulinsim import __version__
from insulinsim._files import write_atomically
from insulinsim.errors import InputError
from insulinsim.model import (
    AbstractInsulinAction,
    Inputs,
    Mechanistic,
    Phenomenological,
    basal_state,
    initial_state,
)
from insulinsim.parameters import PRESETS, Parameters, ParamInfo, bibliography, parameter_info
from insulinsim.parameters import person as preset_person
from insulinsim.protocols import Protocol, build_schedule

__all__ = ["INSULIN_ACTIONS", "SBML_IDS", "export_sbml", "write_sbml"]

INSULIN_ACTIONS: tuple[str, ...] = ("phenomenological",)
"""Insulin-action options that can be exported (``export_sbml(insulin_action=...)``)."""

SBML_IDS: dict[str, str] = {
    # result variable of insulinsim.solve.simulate -> id of the SBML parameter carrying it
    "glucose": "G",
    "insulin": "I",
    "glucagon": "H",
    "egp": "EGP",
    "ra_meal": "Ra",
    "uptake_muscle": "U_muscle",
    "uptake_adipose": "U_adipose",
    "uptake_other": "U_other",
    "uptake_brain": "U_ii",
    "excretion_kidney": "E",
    "secretion": "S",
    "gir": "GIR",
    "exogenous_insulin": "Ra_I",
    "hepatic_extraction": "HE",
    "ffa": "FFA",
    "lipolysis": "lipolysis",
    "action_muscle": "action_muscle",
    "action_adipose": "action_adipose",
    "action_liver": "action_liver",
    "action_lipogenic": "action_lipogenic",
    "action_ovary": "action_ovary",
    "action_antilipolysis": "action_antilipolysis",
}
"""Where each output of :func:`insulinsim.solve.simulate` lives in the exported model."""

_NS_URI = "urn:insulinsim:sbml:1"  # namespace of the insulinsim:provenance annotation
_XHTML = "http://www.w3.org/1999/xhtml"

# --------------------------------------------------------------------------- the model tables


@dataclasses.dataclass(frozen=True)
class _Quantity:
    id: str
    unit: str  # in the project's notation, parsed by _parse_unit
    description: str
    where: str = ""  # the organ function (or model line) the formula transcribes
    formula: str = ""  # assignment rule or rate rule (empty for inputs and constants)


# The model parameters the equations use, by group (values, units and sources from
# insulinsim.parameters). Groups and names are those of insulinsim.parameters.Parameters.
_PARAMETERS: dict[str, tuple[str, ...]] = {
    "body": ("BW", "height"),
    "gut": ("k_gri", "k_max", "k_min", "k_abs", "f", "b", "d"),
    "glucose": ("V_G", "k_1", "k_2", "V_m0", "V_mx", "K_m0", "p_2U"),
    "insulin": ("V_I", "m_1", "m_2", "m_4", "m_5", "m_6"),
    "liver": ("k_p1", "k_p2", "k_p3", "k_p4", "k_i"),
    "pancreas": ("K", "alpha", "beta", "gamma", "S_b"),
    "brain": ("F_cns", "G_sat"),
    "kidney": ("k_e1", "k_e2"),
    "muscle": ("share_muscle",),
    "adipose": (
        "share_adipose",
        "ffa_clearance",
        "antilipolytic_rate",
        "lipolysis_max",
        "lipolysis_floor",
        "lipolysis_ic50",
        "lipolysis_hill",
    ),
    "glucagon": ("n", "rho", "sigma", "delta", "k_H", "xi", "H_b"),
    "exercise": ("t_HR", "t_in", "t_ex", "a", "n_ex", "beta_ex", "alpha_ex", "gamma_ex", "HR_b"),
    "subcutaneous": ("k_d", "k_a1", "k_a2", "basal_rate"),
}

_SBO_PARAMETER = {  # SBO terms of parameters by name (default SBO:0000002)
    "V_m0": 186,  # maximal velocity
    "K_m0": 27,  # Michaelis constant
    "lipolysis_ic50": 288,  # IC50
    "lipolysis_hill": 190,  # Hill coefficient
    "n_ex": 190,
}
_SBO_RATE_CONSTANT_UNIT = "1/min"
_CONCENTRATIONS = (
    "pmol/L",
    "pg/mL",
    "umol/L",
    "mg/dL",
)  # states with SBO:0000196  # parameters in this unit are kinetic constants (SBO:0000009)

# The basal steady state the equations refer to (Basal fields; solved by basal_state).
_BASAL = (
    _Quantity("G_b", "mg/dL", "basal plasma glucose, the secretion set point h"),
    _Quantity("I_b", "pmol/L", "basal plasma insulin"),
)

# Protocol inputs (insulinsim.model.Inputs), switched by events.
_INPUTS = (
    _Quantity("ingestion_mg_min", "mg/min", "oral glucose ingestion rate"),
    _Quantity("meal_dose_mg", "mg", "dose D of the current meal, for gastric emptying"),
    _Quantity("iv_glucose_mg_min", "mg/min", "intravenous glucose infusion (fixed part)"),
    _Quantity("iv_insulin_pmol_min", "pmol/min", "intravenous insulin infusion"),
    _Quantity(
        "sc_insulin_pmol_min", "pmol/min", "subcutaneous insulin infusion above the basal rate"
    ),
    _Quantity("heart_rate_bpm", "bpm", "heart rate during exercise; 0 at rest"),
    _Quantity("clamp_on", "dimensionless", "1 while the glucose clamp runs, else 0"),
    _Quantity(
        "clamp_target_mg_dl", "mg/dL", "clamp target glucose; <= 0 means the basal glucose G_b"
    ),
    _Quantity("clamp_kp", "mg/kg/min per mg/dL", "proportional gain of the clamp rule"),
    _Quantity("clamp_ki", "mg/kg/min per (mg/dL*min)", "integral gain of the clamp rule"),
)
_INPUT_SOURCES = {"clamp_kp": "clamp_gain_p", "clamp_ki": "clamp_gain_i"}  # protocols.toml

# States of insulinsim.model.State with their rate rules, in the State's field order.
_RATES = (
    # gut (physiology.gut.derivatives)
    _Quantity(
        "Q_sto1",
        "mg",
        "solid glucose in the stomach",
        "gut.derivatives",
        "-k_gri*Q_sto1 + ingestion_mg_min",
    ),
    _Quantity(
        "Q_sto2",
        "mg",
        "liquid glucose in the stomach",
        "gut.derivatives",
        "-k_empt*Q_sto2 + k_gri*Q_sto1",
    ),
    _Quantity(
        "Q_gut",
        "mg",
        "glucose in the intestine",
        "gut.derivatives",
        "-k_abs*Q_gut + k_empt*Q_sto2",
    ),
    # glucose (physiology.glucose.derivatives)
    _Quantity("G_p", "mg/kg", "plasma glucose", "glucose.derivatives", "G_p_rate"),
    _Quantity("G_t", "mg/kg", "tissue glucose", "glucose.derivatives", "-U_id + k_1*G_p - k_2*G_t"),
    # insulin kinetics (physiology.insulin.derivatives)
    _Quantity(
        "I_l",
        "pmol/kg",
        "liver insulin",
        "insulin.derivatives",
        "-(m_1 + m_3)*I_l + m_2*I_p + S",
    ),
    _Quantity(
        "I_p",
        "pmol/kg",
        "plasma insulin",
        "insulin.derivatives",
        "-(m_2 + m_4)*I_p + m_1*I_l + Ra_I",
    ),
    # beta cell (physiology.pancreas.insulin_secretion_derivatives)
    _Quantity(
        "I_po",
        "pmol/kg",
        "portal-vein insulin",
        "pancreas.insulin_secretion_derivatives",
        "-gamma*I_po + S_po",
    ),
    _Quantity(
        "Y",
        "pmol/kg/min",
        "static (second-phase) insulin secretion above basal",
        "pancreas.insulin_secretion_derivatives",
        "-alpha*(Y - max(beta*(G - G_b), -S_b))",
    ),
    # remote insulin (physiology.glucose.remote_insulin_derivative)
    _Quantity(
        "X",
        "pmol/L",
        "insulin action on peripheral glucose utilization (remote insulin)",
        "glucose.remote_insulin_derivative",
        "-p_2U*X + p_2U*(I - I_b)",
    ),
    # delayed insulin on the liver (physiology.liver.delayed_insulin_derivatives)
    _Quantity(
        "I_1",
        "pmol/L",
        "delayed insulin, first compartment",
        "liver.delayed_insulin_derivatives",
        "-k_i*(I_1 - I)",
    ),
    _Quantity(
        "I_d",
        "pmol/L",
        "delayed insulin acting on the liver",
        "liver.delayed_insulin_derivatives",
        "-k_i*(I_d - I_1)",
    ),
    # glucagon (physiology.pancreas.glucagon_derivatives, liver.glucagon_action_derivative)
    _Quantity(
        "H",
        "pg/mL",
        "plasma glucagon",
        "pancreas.glucagon_derivatives",
        "-n*H + SR_Hs + SR_Hd",
    ),
    _Quantity(
        "SR_Hs",
        "pg/mL/min",
        "static glucagon secretion",
        "pancreas.glucagon_derivatives",
        "-rho*(SR_Hs - SR_Hs_target)",
    ),
    _Quantity(
        "X_H",
        "pg/mL",
        "glucagon action on EGP",
        "liver.glucagon_action_derivative",
        "-k_H*X_H + k_H*max(H - H_b, {0 pg/mL})",
    ),
    # exercise (physiology.exercise.derivatives); Z's source term f(Y) is per minute
    _Quantity(
        "Y_ex",
        "bpm",
        "heart rate above basal seen by the exercise model",
        "exercise.derivatives",
        "-(Y_ex - dHR)/t_HR",
    ),
    _Quantity(
        "Z_ex",
        "dimensionless",
        "slow exercise memory",
        "exercise.derivatives",
        "-(ex_f/t_in + 1/t_ex)*Z_ex + ex_f/{1 min}",
    ),
    _Quantity("W_ex", "bpm*min", "accumulated exercise", "exercise.derivatives", "dHR"),
    # subcutaneous insulin (physiology.subcutaneous.derivatives)
    _Quantity(
        "I_sc1",
        "pmol/kg",
        "subcutaneous insulin, non-monomeric",
        "subcutaneous.derivatives",
        "-(k_d + k_a1)*I_sc1 + (basal_rate + sc_insulin_pmol_min/BW)",
    ),
    _Quantity(
        "I_sc2",
        "pmol/kg",
        "subcutaneous insulin, monomeric",
        "subcutaneous.derivatives",
        "k_d*I_sc1 - k_a2*I_sc2",
    ),
    # clamp controller (model._fast): integrate only while the command is not held at zero,
    # i.e. where(command > 0 | error > 0, error, 0), with the step written as
    # H(c) = min(ceiling(max(c, 0)), 1) instead of a piecewise (see _CLAMP_NOTE)
    _Quantity(
        "clamp_int",
        "mg/dL*min",
        "integral of the clamp's glucose error",
        "model._fast (clamp rule, anti-windup)",
        "clamp_on*(max(clamp_error, {0 mg/dL}) + min(clamp_error, {0 mg/dL})"
        "*min(ceil(max(clamp_command, {0 mg/kg/min})/{1 mg/kg/min}), 1))",
    ),
    # adipose tissue (physiology.adipose)
    _Quantity(
        "Y_fat",
        "pmol/L",
        "insulin acting on adipose lipolysis (delayed)",
        "adipose.antilipolytic_insulin_derivative",
        "antilipolytic_rate*(I - Y_fat)",
    ),
    _Quantity(
        "FFA",
        "umol/L",
        "plasma free fatty acids",
        "adipose.ffa_derivative",
        "lipolysis - ffa_clearance*FFA",
    ),
)

# Intermediate quantities and observables (assignment rules), in evaluation order.
_RULES = (
    # gut
    _Quantity("Q_sto", "mg", "glucose in the stomach", "gut.derivatives", "Q_sto1 + Q_sto2"),
    _Quantity(
        "D_safe",
        "mg",
        "meal dose, at least 1 mg (guards the division)",
        "gut.gastric_emptying_rate",
        "max(meal_dose_mg, {1 mg})",
    ),
    _Quantity(
        "k_empt",
        "1/min",
        "rate constant of gastric emptying; k_max without a meal",
        "gut.gastric_emptying_rate",
        "piecewise(k_min + 0.5*(k_max - k_min)*("
        "tanh(5/(2*D_safe*(1 - b))*(Q_sto - b*D_safe))"
        " - tanh(5/(2*D_safe*d)*(Q_sto - d*D_safe)) + 2), meal_dose_mg > {0 mg}, k_max)",
    ),
    _Quantity(
        "Ra",
        "mg/kg/min",
        "rate of appearance of ingested glucose in plasma",
        "gut.rate_of_appearance",
        "f*k_abs*Q_gut/BW",
    ),
    # insulin
    _Quantity(
        "S",
        "pmol/kg/min",
        "insulin secretion reaching the liver",
        "pancreas.portal_secretion",
        "gamma*I_po",
    ),
    _Quantity(
        "Ra_sc",
        "pmol/kg/min",
        "absorption of subcutaneous insulin",
        "subcutaneous.appearance",
        "k_a1*I_sc1 + k_a2*I_sc2",
    ),
    _Quantity(
        "Ra_I",
        "pmol/kg/min",
        "exogenous insulin reaching plasma (subcutaneous plus intravenous)",
        "model._fast",
        "Ra_sc + iv_insulin_pmol_min/BW",
    ),
    _Quantity(
        "HE",
        "dimensionless",
        "hepatic insulin extraction, kept inside [0, 0.95]",
        "insulin.hepatic_extraction",
        "min(max(m_6 - m_5*S, 0), 0.95)",
    ),
    _Quantity(
        "m_3", "1/min", "hepatic insulin clearance", "insulin.derivatives", "HE*m_1/(1 - HE)"
    ),
    _Quantity("I", "pmol/L", "plasma insulin", "insulin.plasma_concentration", "I_p/V_I"),
    # insulin action per tissue (model._action.Phenomenological)
    _Quantity(
        "action_muscle",
        "pmol/L",
        "insulin action on muscle glucose uptake (interstitial insulin I_b + X)",
        "model._action.Phenomenological",
        "I_b + X",
    ),
    _Quantity(
        "action_adipose",
        "pmol/L",
        "insulin action on adipose glucose uptake (interstitial insulin I_b + X)",
        "model._action.Phenomenological",
        "I_b + X",
    ),
    _Quantity(
        "action_liver",
        "pmol/L",
        "insulin action on hepatic glucose output (delayed insulin I_d)",
        "model._action.Phenomenological",
        "I_d",
    ),
    _Quantity(
        "action_lipogenic",
        "pmol/L",
        "insulin action on hepatic de novo lipogenesis (delayed insulin I_d)",
        "model._action.Phenomenological",
        "I_d",
    ),
    _Quantity(
        "action_ovary",
        "pmol/L",
        "insulin action on ovarian theca cells (interstitial insulin I_b + X)",
        "model._action.Phenomenological",
        "I_b + X",
    ),
    _Quantity(
        "action_antilipolysis",
        "pmol/L",
        "insulin action suppressing adipose lipolysis (anti-lipolytic insulin Y_fat)",
        "model._action.Phenomenological",
        "Y_fat",
    ),
    # adipose lipolysis
    _Quantity(
        "lipolysis_x",
        "dimensionless",
        "anti-lipolytic action relative to its IC50",
        "adipose.lipolysis",
        "max(action_antilipolysis, {0 pmol/L})/lipolysis_ic50",
    ),
    _Quantity(
        "lipolysis",
        "umol/L/min",
        "adipose lipolysis (FFA appearance)",
        "adipose.lipolysis",
        "lipolysis_floor + lipolysis_max/(1 + piecewise(pow(lipolysis_x, lipolysis_hill),"
        " lipolysis_x > 0, 0))",
    ),
    # glucose production
    _Quantity("G", "mg/dL", "plasma glucose", "glucose.plasma_concentration", "G_p/V_G"),
    _Quantity(
        "EGP",
        "mg/kg/min",
        "endogenous glucose production (liver)",
        "liver.glucose_production",
        "max(k_p1 - k_p2*G_p - k_p3*action_liver - k_p4*I_po + xi*X_H, {0 mg/kg/min})",
    ),
    # exercise modifiers of insulin-dependent uptake (physiology.exercise.uptake_modifiers)
    _Quantity(
        "ex_ZW",
        "bpm*min",
        "exercise memory times accumulated exercise",
        "exercise.uptake_modifiers",
        "Z_ex*W_ex",
    ),
    _Quantity(
        "ex_X_abs",
        "pmol/L",
        "interstitial insulin seen by the exercise model",
        "model._fast",
        "X + I_b",
    ),
    _Quantity(
        "km_factor",
        "dimensionless",
        "factor on K_m0 from exercise",
        "exercise.uptake_modifiers",
        "max(1 - gamma_ex*ex_ZW*ex_X_abs, 0)",
    ),
    _Quantity(
        "gain_ii",
        "dimensionless",
        "insulin-independent gain of V_m0 from exercise",
        "exercise.uptake_modifiers",
        "beta_ex*max(Y_ex, {0 bpm})",
    ),
    _Quantity(
        "extra_action",
        "pmol/L",
        "extra insulin action from exercise",
        "exercise.uptake_modifiers",
        "alpha_ex*ex_ZW*ex_X_abs",
    ),
    # insulin-dependent utilization (physiology.glucose.insulin_dependent_utilization)
    _Quantity(
        "X_m",
        "pmol/L",
        "muscle insulin action above basal",
        "model._fast",
        "action_muscle - I_b",
    ),
    _Quantity(
        "X_a",
        "pmol/L",
        "adipose insulin action above basal",
        "model._fast",
        "action_adipose - I_b",
    ),
    _Quantity(
        "U_id",
        "mg/kg/min",
        "insulin-dependent glucose utilization (whole body, with exercise)",
        "glucose.insulin_dependent_utilization",
        "(V_m0*(1 + gain_ii) + V_mx*((1 - share_adipose)*X_m + share_adipose*X_a"
        " + extra_action))*piecewise(G_t/(K_m0*km_factor + G_t), G_t > {0 mg/kg}, 0)",
    ),
    _Quantity(
        "U_m_rest",
        "mg/kg/min",
        "insulin-dependent utilization at muscle action, without exercise",
        "glucose.insulin_dependent_utilization",
        "(V_m0 + V_mx*X_m)*piecewise(G_t/(K_m0 + G_t), G_t > {0 mg/kg}, 0)",
    ),
    _Quantity(
        "U_a_rest",
        "mg/kg/min",
        "insulin-dependent utilization at adipose action, without exercise",
        "glucose.insulin_dependent_utilization",
        "(V_m0 + V_mx*X_a)*piecewise(G_t/(K_m0 + G_t), G_t > {0 mg/kg}, 0)",
    ),
    _Quantity(
        "U_ii",
        "mg/kg/min",
        "insulin-independent glucose uptake (brain and red cells)",
        "brain.uptake",
        "F_cns*min(max(G_p/(V_G*G_sat), 0), 1)",
    ),
    _Quantity(
        "E",
        "mg/kg/min",
        "renal glucose excretion",
        "kidney.excretion",
        "k_e1*max(G_p - k_e2, {0 mg/kg})",
    ),
    # clamp: variable glucose infusion by a proportional-integral rule, never negative
    _Quantity(
        "clamp_target",
        "mg/dL",
        "clamp target glucose",
        "model._fast (clamp rule)",
        "piecewise(clamp_target_mg_dl, clamp_target_mg_dl > {0 mg/dL}, G_b)",
    ),
    _Quantity(
        "clamp_error",
        "mg/dL",
        "clamp glucose error",
        "model._fast (clamp rule)",
        "clamp_target - G",
    ),
    _Quantity(
        "clamp_command",
        "mg/kg/min",
        "clamp controller command before the limit at zero",
        "model._fast (clamp rule)",
        "clamp_kp*clamp_error + clamp_ki*clamp_int",
    ),
    _Quantity(
        "GIR",
        "mg/kg/min",
        "intravenous glucose (fixed plus clamp-controlled)",
        "model._fast (clamp rule)",
        "clamp_on*max(clamp_command, {0 mg/kg/min}) + iv_glucose_mg_min/BW",
    ),
    _Quantity(
        "G_p_rate",
        "mg/kg/min",
        "dG_p/dt, rate of change of plasma glucose",
        "glucose.derivatives",
        "EGP + Ra + GIR - (U_ii + E) - k_1*G_p + k_2*G_t",
    ),
    _Quantity(
        "dG_dt",
        "mg/dL/min",
        "rate of change of plasma glucose concentration",
        "model._fast",
        "G_p_rate/V_G",
    ),
    # beta cell
    _Quantity(
        "S_po",
        "pmol/kg/min",
        "beta-cell secretion into the portal vein",
        "pancreas.insulin_secretion_derivatives",
        "max(Y + K*max(dG_dt, {0 mg/dL/min}) + S_b, {0 pmol/kg/min})",
    ),
    # glucagon; the insulin term is a number of pmol/L in the source (hence the 1 pmol/L)
    _Quantity(
        "SR_Hs_target",
        "pg/mL/min",
        "target of static glucagon secretion",
        "pancreas.glucagon_derivatives",
        "max(sigma*(G_b - G)/(1 + max(I - I_b, {0 pmol/L})/{1 pmol/L}) + n*H_b, {0 pg/mL/min})",
    ),
    _Quantity(
        "SR_Hd",
        "pg/mL/min",
        "dynamic glucagon secretion",
        "pancreas.glucagon_derivatives",
        "delta*max(-dG_dt, {0 mg/dL/min})",
    ),
    # exercise
    _Quantity(
        "dHR",
        "bpm",
        "heart rate above basal during exercise",
        "model._fast",
        "piecewise(max(heart_rate_bpm - HR_b, {0 bpm}), heart_rate_bpm > {0 bpm}, {0 bpm})",
    ),
    _Quantity(
        "ex_r",
        "dimensionless",
        "heart rate above basal relative to a HR_b",
        "exercise.derivatives",
        "max(Y_ex, {0 bpm})/(a*HR_b)",
    ),
    _Quantity(
        "ex_f",
        "dimensionless",
        "exercise intensity f(Y)",
        "exercise.derivatives",
        "pow(ex_r, n_ex)/(1 + pow(ex_r, n_ex))",
    ),
    # organ fluxes reported by insulinsim (model._fast: Fluxes)
    _Quantity(
        "U_muscle",
        "mg/kg/min",
        "skeletal muscle glucose uptake (its share at rest plus all exercise-driven uptake)",
        "muscle.glucose_uptake",
        "share_muscle*U_m_rest + (U_id - ((1 - share_adipose)*U_m_rest + share_adipose*U_a_rest))",
    ),
    _Quantity(
        "U_adipose",
        "mg/kg/min",
        "adipose tissue glucose uptake",
        "adipose.glucose_uptake",
        "share_adipose*U_a_rest",
    ),
    _Quantity(
        "U_other",
        "mg/kg/min",
        "other insulin-dependent tissues' glucose uptake",
        "model._fast",
        "U_id - U_muscle - U_adipose",
    ),
)

_CLAMP_NOTE = (
    "The rate is where(command > 0 or error > 0, error, 0), written as max(error, 0) + "
    "min(error, 0) H(command) with the step H(c) = min(ceiling(max(c, 0)), 1) (1 for c > 0, "
    "else 0): the same numbers, but no piecewise. A clamp starts exactly on this switch "
    "(error = command = 0), and integrators that root-find piecewise conditions (libRoadRunner "
    ">= 2.6) stall there on solver noise."
)

# Basal relations of basal_state/initial_state, kept as initial assignments so that the
# references and the initial state agree exactly (the clamp starts with error = 0, as in
# insulinsim); the other initial values are the numbers solved by basal_state.
_INITIAL = (
    ("G_b", "G_p/V_G"),
    ("I_b", "I_p/V_I"),
    ("I_po", "S_b/gamma"),
    ("I_1", "I_b"),
    ("I_d", "I_b"),
    ("Y_fat", "I_b"),
    ("H", "H_b"),
    ("SR_Hs", "n*H_b"),
)

_EQUATION_SOURCES = (  # bib keys of the equations (model-level bqmodel:isDerivedFrom)
    "dallaman2007",
    "dallaman2007gim",
    "dallaman2009",
    "dallaman2014",
    "odonovan_m3al",
    "defronzo1979",
)

# --------------------------------------------------------------------------- units

# atom -> (SBML unit kind, scale, multiplier, exponent)
_ATOMS: dict[str, tuple[int, int, float, int]] = {
    "g": (libsbml.UNIT_KIND_GRAM, 0, 1.0, 1),
    "mg": (libsbml.UNIT_KIND_GRAM, -3, 1.0, 1),
    "pg": (libsbml.UNIT_KIND_GRAM, -12, 1.0, 1),
    "kg": (libsbml.UNIT_KIND_KILOGRAM, 0, 1.0, 1),
    "l": (libsbml.UNIT_KIND_LITRE, 0, 1.0, 1),
    "dl": (libsbml.UNIT_KIND_LITRE, -1, 1.0, 1),
    "ml": (libsbml.UNIT_KIND_LITRE, -3, 1.0, 1),
    "mmol": (libsbml.UNIT_KIND_MOLE, -3, 1.0, 1),
    "umol": (libsbml.UNIT_KIND_MOLE, -6, 1.0, 1),
    "pmol": (libsbml.UNIT_KIND_MOLE, -12, 1.0, 1),
    "min": (libsbml.UNIT_KIND_SECOND, 0, 60.0, 1),
    "bpm": (libsbml.UNIT_KIND_SECOND, 0, 60.0, -1),  # beats are counted, not a unit
    "cm": (libsbml.UNIT_KIND_METRE, -2, 1.0, 1),
}
_DIMENSIONLESS = ("dimensionless", "fraction", "1")
_UNIT_IDS = {"min": "minute"}  # unit ids that would read as a MathML function


def _parse_unit(text: str) -> tuple[tuple[int, int, float, float], ...]:
    """Units of a project unit string as ``((kind, scale, multiplier, exponent), ...)``.

    Grammar: ``A per B`` is ``A / (B)``; ``*`` and ``/`` associate to the left; parentheses
    group; ``1`` and ``dimensionless`` are dimensionless. Powers of the same kind are merged.
    """
    src = text.strip()
    if " per " in src:
        head, tail = src.split(" per ", 1)
        src = f"({head})/({tail})"
    tokens = re.findall(r"[A-Za-z%]+|\d+|[*/()]", src)
    pos = 0

    def atom() -> list[tuple[int, int, float, float]]:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            out = expr()
            pos += 1  # ")"
            return out
        if tok in _DIMENSIONLESS:
            return []
        if tok.lower() not in _ATOMS:
            raise ValueError(f"unit {text!r}: unknown unit {tok!r}")
        kind, scale, mult, exp = _ATOMS[tok.lower()]
        return [(kind, scale, mult, float(exp))]

    def expr() -> list[tuple[int, int, float, float]]:
        nonlocal pos
        out = atom()
        while pos < len(tokens) and tokens[pos] in "*/":
            op = tokens[pos]
            pos += 1
            rhs = atom()
            out += rhs if op == "*" else [(k, s, m, -e) for k, s, m, e in rhs]
        return out

    parts = expr()
    merged: dict[int, list[tuple[int, float, float]]] = {}
    for kind, scale, mult, exp in parts:
        merged.setdefault(kind, []).append((scale, mult, exp))
    units = []
    factor = 1.0
    for kind in sorted(merged):
        items = merged[kind]
        exp = sum(e for _, _, e in items)
        size = math.prod((m * 10.0**s) ** e for s, m, e in items)
        if exp == 0:
            factor *= size
        elif len({(s, m) for s, m, _ in items}) == 1:
            units.append((kind, items[0][0], items[0][1], exp))
        else:
            units.append((kind, 0, size ** (1.0 / exp), exp))
    if not math.isclose(factor, 1.0, rel_tol=1e-12):
        units.append((libsbml.UNIT_KIND_DIMENSIONLESS, 0, factor, 1.0))
    return tuple(units)


class _Units:
    """The model's unit definitions, one per distinct unit (by meaning, not spelling)."""

    def __init__(self, model: libsbml.Model):
        self.model = model
        self.ids: dict[str, str] = {}  # unit string -> UnitDefinition id
        self.by_meaning: dict[tuple, str] = {}

    def __call__(self, text: str) -> str:
        if text in self.ids:
            return self.ids[text]
        parsed = _parse_unit(text)
        if not parsed:
            uid = "dimensionless"
        elif parsed in self.by_meaning:
            uid = self.by_meaning[parsed]
        else:
            uid = text.replace(" per ", "_per_").replace("/", "_per_").replace("*", "_")
            uid = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "", uid)).strip("_")
            uid = _UNIT_IDS.get(uid, uid)
            if uid.startswith("1_per_"):
                uid = uid[2:]
            if uid[0].isdigit():
                uid = "u_" + uid
            while self.model.getUnitDefinition(uid) is not None:
                uid += "_"
            ud = self.model.createUnitDefinition()
            _ok(ud.setId(uid))
            _ok(ud.setName(text))
            for kind, scale, mult, exp in parsed:
                u = ud.createUnit()
                _ok(u.setKind(kind))
                _ok(u.setExponent(exp))
                _ok(u.setScale(scale))
                _ok(u.setMultiplier(mult))
            self.by_meaning[parsed] = uid
        self.ids[text] = uid
        return uid


# --------------------------------------------------------------------------- helpers


def _ok(status: int) -> None:
    if status != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise RuntimeError(
            f"libsbml: {libsbml.OperationReturnValue_toString(status)} (status {status})"
        )


def _math(formula: str, model: libsbml.Model, units: _Units) -> libsbml.ASTNode:
    """Parse a formula of the tables; ``{value unit}`` gets its unit, bare numbers none."""

    def with_unit(m: re.Match) -> str:
        return f"{float(m.group(1))!r} {units(m.group(2))}"

    text = re.sub(r"\{\s*([-+0-9.eE]+)\s+([^}]+?)\s*\}", with_unit, formula)
    ast = libsbml.parseL3FormulaWithModel(text, model)
    if ast is None:
        raise ValueError(f"cannot parse {formula!r}: {libsbml.getLastParseL3Error()}")

    def walk(node: libsbml.ASTNode) -> None:
        if node.isNumber():
            if node.isInteger():  # real arithmetic everywhere (no integer division)
                node.setValue(float(node.getInteger()))
            if not node.isSetUnits():
                _ok(node.setUnits("dimensionless"))
        for i in range(node.getNumChildren()):
            walk(node.getChild(i))

    walk(ast)
    return ast


def _notes(*paragraphs: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    return f'<body xmlns="{_XHTML}">{body}</body>'


def _bib_links(key: str) -> list[str]:
    """identifiers.org DOI (or the URL) of a bibliography entry, if it has one."""
    entry = bibliography().get(key, "")
    doi = re.search(r"\bdoi\s*=\s*\{([^}]+)\}", entry, re.IGNORECASE)
    if doi:
        return [f"https://identifiers.org/doi:{doi.group(1).strip()}"]
    url = re.search(r"\\url\{([^}]+)\}", entry)
    return [url.group(1).strip()] if url else []


def _describe(model_element: libsbml.SBase, qualifier: int, links: list[str], model: bool):
    if not links:
        return
    cv = libsbml.CVTerm(libsbml.MODEL_QUALIFIER if model else libsbml.BIOLOGICAL_QUALIFIER)
    if model:
        cv.setModelQualifierType(qualifier)
    else:
        cv.setBiologicalQualifierType(qualifier)
    for link in links:
        _ok(cv.addResource(link))
    _ok(model_element.addCVTerm(cv))


def _provenance(
    params: Parameters, preferred: str | None
) -> tuple[dict[str, tuple[ParamInfo, str]], str]:
    """For each exported parameter: the data entry it came from and its preset.

    The preset is the one named by the caller or else the preset that matches most values;
    a value equal to that preset's carries its entry (source, locator, ...), any other value
    the entry of the first preset in :data:`~insulinsim.parameters.PRESETS` order with that
    value. A value that matches no preset is marked as set by the user (preset ``""``).
    Returns the entries by ``group.name`` and the preset.
    """
    infos = {p: parameter_info(p) for p in PRESETS}
    if preferred is not None and preferred not in infos:
        infos[preferred] = parameter_info(preferred)  # raises InputError for a bad name
    values = {
        f"{group}.{name}": float(np.asarray(getattr(getattr(params, group), name)))
        for group, names in _PARAMETERS.items()
        for name in names
    }

    def same(preset: str, key: str) -> bool:
        return math.isclose(infos[preset][key].value, values[key], rel_tol=1e-12, abs_tol=0.0)

    if preferred is None:
        preferred = max(PRESETS, key=lambda p: sum(same(p, k) for k in values))
    order = [preferred] + [p for p in PRESETS if p != preferred]
    out = {}
    for key, value in values.items():
        match = next((p for p in order if same(p, key)), None)
        if match is None:
            out[key] = (dataclasses.replace(infos[preferred][key], value=value), "")
        else:
            out[key] = (infos[match][key], match)
    return out, preferred


def _action_name(insulin_action) -> str:
    if isinstance(insulin_action, Phenomenological):
        return "phenomenological"
    if isinstance(insulin_action, Mechanistic):
        return "mechanistic"
    if isinstance(insulin_action, AbstractInsulinAction):
        return type(insulin_action).__name__
    return str(insulin_action)


# --------------------------------------------------------------------------- export


def export_sbml(
    params: Parameters | str,
    protocol: Protocol | None = None,
    *,
    insulin_action: str | AbstractInsulinAction = "phenomenological",
    name: str | None = None,
) -> str:
    """The fast model of one person (and a protocol) as an SBML Level 3 Version 2 document.

    Parameters
    ----------
    params : Parameters or str
        One person's parameters (e.g. ``person("t2d")``), or the name of a preset. Each
        parameter's notes cite the data entry its value came from (the named preset's first,
        then any preset with the same value); a value that matches no preset is marked as set
        by the user.
    protocol : Protocol, optional
        What is done to the person (meals, infusions, boluses, clamp, exercise). Its inputs
        become parameters switched by SBML events at each breakpoint, with the same values
        (per kg and per m^2 doses converted for this person) as in
        :func:`insulinsim.solve.simulate`. Without a protocol the model stays at its basal
        steady state.
    insulin_action : {"phenomenological"} or AbstractInsulinAction
        The insulin-action option; only the published phenomenological one
        (:class:`~insulinsim.model.Phenomenological`) can be exported.
    name : str, optional
        The model's name (default: describes the person and protocol).

    Returns
    -------
    str
        The SBML document (XML). States are parameters with rate rules in the units of the
        fast model (mg, mg/kg, pmol/kg, pmol/L, pg/mL, umol/L; time in min); the outputs of
        ``simulate`` are the parameters named in :data:`SBML_IDS`.

    Raises
    ------
    InputError
        An insulin-action option other than the phenomenological one, an unknown preset, or
        a population instead of one person.

    References
    ----------
    hucka2003sbml, keating2020sbml, bornstein2008libsbml.

    Examples
    --------
    >>> from insulinsim import person, protocols
    >>> xml = export_sbml(person("healthy"), protocols.ogtt())
    >>> xml.startswith("<?xml") and "<sbml" in xml
    True
    """
    action = _action_name(insulin_action)
    if action not in INSULIN_ACTIONS:
        raise InputError(
            "insulin_action",
            action,
            "one of " + ", ".join(repr(a) for a in INSULIN_ACTIONS),
            "the mechanistic option (receptor and signalling state per tissue) is not exported "
            "to SBML; export with insulin_action='phenomenological' or simulate the mechanistic "
            "option in insulinsim",
        )
    preset = None
    if isinstance(params, str):
        preset = params
        params = preset_person(preset)
    if not isinstance(params, Parameters):
        raise InputError(
            "params", type(params).__name__, "a Parameters of one person or a preset name"
        )
    if np.ndim(params.body.BW) != 0:
        raise InputError(
            "params",
            f"a population of shape {np.shape(params.body.BW)}",
            "one person (scalar parameters)",
            "export one person at a time, e.g. jax.tree.map(lambda x: x[i], people)",
        )
    if protocol is None:
        protocol = Protocol("basal", (), 1.0)
        events_of = ()
    else:
        events_of = protocol.events

    basal = basal_state(params)
    y0 = initial_state(params, basal)
    schedule = build_schedule(protocol, float(params.body.BW), float(params.body.height))
    edges = np.asarray(schedule.edges, dtype=float)
    inputs = {f: np.asarray(getattr(schedule.values, f), dtype=float) for f in _input_fields()}
    prov, preset = _provenance(params, preset)
    user_set = sorted(k for k, (_, p) in prov.items() if not p)

    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    label = preset if not user_set else f"{preset}_modified"
    model_id = re.sub(r"\W", "_", f"insulinsim_fast_{label}_{protocol.name}")
    _ok(model.setId(model_id))
    _ok(model.setName(name or f"insulinsim fast model: {label}, {protocol.name}"))
    _ok(model.setMetaId(f"meta_{model_id}"))
    _ok(model.setSBOTerm("SBO:0000293"))  # non-spatial continuous framework
    units = _Units(model)
    _ok(model.setTimeUnits(units("min")))
    _ok(
        model.setNotes(
            _notes(
                f"The fast model of insulinsim {__version__} (minutes to days) with the "
                f"phenomenological insulin action (Dalla Man, Rizza & Cobelli 2007, with the "
                f"glucagon, exercise, subcutaneous-insulin and FFA extensions documented in "
                f"insulinsim.physiology), exported by insulinsim.io.export_sbml.",
                f"Parameters: preset {preset}"
                + (f"; set by the user: {', '.join(user_set)}." if user_set else "."),
                f"Protocol: {protocol.name} ({len(events_of)} events, {protocol.t_end_min:g} min):"
                + "".join(f" {_event_label(e)};" for e in events_of),
                "States start at the person's basal steady state, solved by "
                "insulinsim.model.basal_state for these parameter values; changing a parameter "
                "here does not solve it again. G_b and I_b (the references of secretion, "
                "glucagon and remote insulin) are initial assignments from the initial plasma "
                "glucose and insulin, as basal_state defines them.",
                "Time in min; masses per kg of body weight; see each element's notes for its "
                "unit, meaning, source and the insulinsim function it transcribes.",
            )
        )
    )
    _describe(
        model,
        libsbml.BQM_IS_DERIVED_FROM,
        [link for key in _EQUATION_SOURCES for link in _bib_links(key)],
        model=True,
    )

    def parameter(q: _Quantity, value: float, constant: bool, sbo: int, *notes: str):
        p = model.createParameter()
        _ok(p.setId(q.id))
        _ok(p.setName(q.description))
        _ok(p.setValue(float(value)))
        _ok(p.setUnits(units(q.unit)))
        _ok(p.setConstant(constant))
        _ok(p.setSBOTerm(sbo))
        _ok(p.setMetaId(f"meta_{q.id}"))
        _ok(p.setNotes(_notes(f"{q.description} ({q.unit}).", *notes)))
        return p

    # model parameters, with provenance
    for group, names in _PARAMETERS.items():
        for pname in names:
            info, from_preset = prov[f"{group}.{pname}"]
            q = _Quantity(pname, info.unit, info.description or f"{group}.{pname}")
            sbo = _SBO_PARAMETER.get(pname, 9 if info.unit == _SBO_RATE_CONSTANT_UNIT else 2)
            origin = (
                f"Preset {from_preset}: source {info.source} ({info.locator}); {info.obtained}."
                if from_preset
                else f"Set by the user: matches no preset (the {preset} entry's unit and "
                "description are kept)."
            )
            p = parameter(
                q,
                info.value,
                True,
                sbo,
                f"insulinsim parameter {info.key}.",
                origin,
                info.note or "",
            )
            attrs = {
                "parameter": info.key,
                "unit": info.unit,
                "source": info.source if from_preset else "",
                "locator": info.locator if from_preset else "",
                "obtained": info.obtained if from_preset else "user",
                "preset": from_preset,
            }
            attr_text = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
            _ok(
                p.appendAnnotation(
                    f'<annotation><insulinsim:provenance xmlns:insulinsim="{_NS_URI}" '
                    f"{attr_text}/></annotation>"
                )
            )
            if from_preset:
                _describe(p, libsbml.BQB_IS_DESCRIBED_BY, _bib_links(info.source), model=False)

    # the basal steady state the equations refer to
    for q in _BASAL:
        parameter(
            q,
            float(np.asarray(getattr(basal, q.id))),
            True,
            2,
            "Basal steady state of this person (insulinsim.model.basal_state); initial "
            f"assignment {dict(_INITIAL)[q.id]}, as basal_state defines it.",
        )

    # protocol inputs, switched by events
    for q in _INPUTS:
        values = inputs[q.id]
        extra = ""
        if q.id in _INPUT_SOURCES:
            entry = _INPUT_SOURCES[q.id]
            std = _protocol_table()[entry]
            extra = (
                f"Standard value {entry} of insulinsim/data/protocols.toml: source "
                f"{std['source']} ({std['locator']}); {std['obtained']}. {std.get('note', '')}"
            )
        parameter(
            q,
            values[0],
            bool(np.all(values == values[0])),
            2,
            "Protocol input (insulinsim.model.Inputs), piecewise constant: events set it at "
            "each breakpoint of the protocol.",
            extra,
        )

    # states
    for q in _RATES:
        parameter(
            q,
            float(np.asarray(getattr(y0, q.id))),
            False,
            196 if q.unit in _CONCENTRATIONS else 2,
            f"State of the fast model (insulinsim.model.State.{q.id}); initial value: the "
            "basal steady state (insulinsim.model.initial_state).",
            f"Rate rule transcribes insulinsim.physiology.{q.where}."
            if not q.where.startswith("model")
            else f"Rate rule transcribes insulinsim.{q.where}.",
            _CLAMP_NOTE if q.id == "clamp_int" else "",
            f"Initial assignment: {dict(_INITIAL)[q.id]}." if q.id in dict(_INITIAL) else "",
        )
    # intermediate quantities and fluxes
    for q in _RULES:
        where = q.where if q.where.startswith("model") else f"physiology.{q.where}"
        parameter(q, 0.0, False, 2, f"Assignment rule; transcribes insulinsim.{where}.")

    for q in _RULES:
        rule = model.createAssignmentRule()
        _ok(rule.setVariable(q.id))
        _ok(rule.setMath(_math(q.formula, model, units)))
        _ok(rule.setSBOTerm(64))  # mathematical expression
    for symbol, formula in _INITIAL:
        assignment = model.createInitialAssignment()
        _ok(assignment.setSymbol(symbol))
        _ok(assignment.setMath(_math(formula, model, units)))
        _ok(assignment.setSBOTerm(64))
    for q in _RATES:
        rule = model.createRateRule()
        _ok(rule.setVariable(q.id))
        _ok(rule.setMath(_math(q.formula, model, units)))
        _ok(rule.setSBOTerm(64))

    # events: the inputs of each interval of the schedule
    input_units = {q.id: q.unit for q in _INPUTS}
    for k in range(1, len(edges) - 1):
        t = float(edges[k])
        changed = [f for f in inputs if inputs[f][k] != inputs[f][k - 1]]
        if not changed:
            continue
        what = [f"{_event_label(e)} starts" for e in events_of if e.time_min == t]
        what += [f"{_event_label(e)} ends" for e in events_of if e.end_min == t]
        ev = model.createEvent()
        eid = "inputs_at_" + f"{t:g}".replace(".", "p").replace("-", "m").replace("+", "") + "_min"
        _ok(ev.setId(eid))
        _ok(ev.setName(f"t = {t:g} min: " + "; ".join(what or ["inputs change"])))
        _ok(ev.setUseValuesFromTriggerTime(True))
        trig = ev.createTrigger()
        _ok(trig.setInitialValue(True))
        _ok(trig.setPersistent(True))
        _ok(trig.setMath(_math(f"time >= {{{t!r} min}}", model, units)))
        for f in changed:
            a = ev.createEventAssignment()
            _ok(a.setVariable(f))
            _ok(a.setMath(_math(f"{{{float(inputs[f][k])!r} {input_units[f]}}}", model, units)))

    xml = libsbml.writeSBMLToString(doc)
    if not xml:
        raise RuntimeError("libsbml could not write the SBML document")
    return xml


def write_sbml(
    params: Parameters | str,
    path: str | os.PathLike,
    protocol: Protocol | None = None,
    *,
    insulin_action: str | AbstractInsulinAction = "phenomenological",
    name: str | None = None,
) -> Path:
    """Write :func:`export_sbml` to ``path`` (atomically; conventionally ``.xml`` or ``.sbml``).

    Parameters and errors as for :func:`export_sbml`. Returns the path written.
    """
    xml = export_sbml(params, protocol, insulin_action=insulin_action, name=name)

    def write(tmp: str) -> None:
        Path(tmp).write_text(xml, encoding="utf-8")

    return write_atomically(path, write)


def _input_fields() -> tuple[str, ...]:
    fields = tuple(Inputs.__dataclass_fields__)
    missing = set(fields) ^ {q.id for q in _INPUTS}
    if missing:  # a new model input must be added to _INPUTS (and to the rules that read it)
        raise RuntimeError(f"SBML export does not know the model inputs {sorted(missing)}")
    return fields


def _protocol_table() -> dict:
    path = resources.files("insulinsim") / "data" / "protocols.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _event_label(e) -> str:
    fields = ", ".join(
        f"{f.name}={getattr(e, f.name)!r}" for f in dataclasses.fields(e) if f.name != "time_min"
    )
    return f"{type(e).__name__}(t={e.time_min:g} min, {fields})"

"""The fast model (minutes to days): the organs wired into one right-hand side.

State, inputs, basal state and fluxes are named pytrees (frozen equinox modules). The
right-hand side is a pure function ``rhs(t, y, args)`` with ``args = FastArgs(params, basal,
schedule)``, where ``schedule.inputs(t)`` returns the :class:`Inputs` acting at time t.

The composition follows Dalla Man, Rizza & Cobelli 2007 (meal model) with the glucagon update
of Dalla Man et al. 2014, exercise model C of Dalla Man, Breton & Cobelli 2009, subcutaneous
insulin of the GIM simulator (Dalla Man et al. 2007) and a variable glucose infusion for the
euglycemic clamp (a proportional-integral rule after DeFronzo, Tobin & Andres 1979).
"""

from __future__ import annotations

import abc

import equinox as eqx
import jax
import jax.numpy as jnp
import optimistix as optx

from insulinsim.model._action import (
    TISSUES,
    AbstractInsulinAction,
    CellBasal,
    Cells,
    Phenomenological,
)
from insulinsim.parameters import Parameters
from insulinsim.physiology import (
    adipose,
    brain,
    exercise,
    glucose,
    gut,
    insulin,
    kidney,
    liver,
    muscle,
    pancreas,
    subcutaneous,
)

__all__ = [
    "FLUX_META",
    "AbstractSchedule",
    "Basal",
    "FastArgs",
    "Fluxes",
    "Inputs",
    "State",
    "basal_state",
    "fluxes",
    "initial_state",
    "rhs",
]


class State(eqx.Module):
    """State of the fast model. Masses per kg of body weight."""

    Q_sto1: jax.Array  # mg, solid glucose in the stomach
    Q_sto2: jax.Array  # mg, liquid glucose in the stomach
    Q_gut: jax.Array  # mg, glucose in the intestine
    G_p: jax.Array  # mg/kg, plasma glucose
    G_t: jax.Array  # mg/kg, tissue glucose
    I_l: jax.Array  # pmol/kg, liver insulin
    I_p: jax.Array  # pmol/kg, plasma insulin
    I_po: jax.Array  # pmol/kg, portal-vein insulin
    Y: jax.Array  # pmol/kg/min, static (second-phase) secretion above basal
    X: jax.Array  # pmol/L, insulin action on peripheral utilization
    I_1: jax.Array  # pmol/L, delayed insulin (first compartment)
    I_d: jax.Array  # pmol/L, delayed insulin acting on the liver
    H: jax.Array  # pg/mL, plasma glucagon
    SR_Hs: jax.Array  # pg/mL/min, static glucagon secretion
    X_H: jax.Array  # pg/mL, glucagon action on EGP
    Y_ex: jax.Array  # bpm, heart rate above basal seen by the exercise model
    Z_ex: jax.Array  # dimensionless, slow exercise memory
    W_ex: jax.Array  # bpm*min, accumulated exercise
    I_sc1: jax.Array  # pmol/kg, subcutaneous insulin, non-monomeric
    I_sc2: jax.Array  # pmol/kg, subcutaneous insulin, monomeric
    clamp_int: jax.Array  # mg/dL*min, integral of the clamp's glucose error
    Y_fat: jax.Array  # pmol/L, insulin acting on adipose lipolysis (delayed)
    FFA: jax.Array  # umol/L, plasma free fatty acids
    cells: Cells | None = None  # receptor and GLUT4 state per tissue (mechanistic option)


class Inputs(eqx.Module):
    """What is done to the person at one instant (piecewise constant in time)."""

    ingestion_mg_min: jax.Array  # oral glucose ingestion rate
    meal_dose_mg: jax.Array  # dose of the current meal, for gastric emptying
    iv_glucose_mg_min: jax.Array  # intravenous glucose infusion (fixed part)
    iv_insulin_pmol_min: jax.Array  # intravenous insulin infusion
    sc_insulin_pmol_min: jax.Array  # subcutaneous insulin infusion above the basal rate
    heart_rate_bpm: jax.Array  # heart rate during exercise; 0 at rest
    clamp_on: jax.Array  # 1 while the glucose clamp runs, else 0
    clamp_target_mg_dl: jax.Array  # clamp target glucose; <= 0 means the basal glucose
    clamp_kp: jax.Array  # mg/kg/min per mg/dL, proportional gain of the clamp rule
    clamp_ki: jax.Array  # mg/kg/min per (mg/dL*min), integral gain of the clamp rule


class AbstractSchedule(eqx.Module):
    """Anything that can say which :class:`Inputs` act at time ``t`` (minutes)."""

    @abc.abstractmethod
    def inputs(self, t) -> Inputs:
        raise NotImplementedError


class Basal(eqx.Module):
    """The person's basal (post-absorptive) steady state, solved from the parameters."""

    G_b: jax.Array  # mg/dL
    I_b: jax.Array  # pmol/L
    G_pb: jax.Array  # mg/kg
    G_tb: jax.Array  # mg/kg
    I_lb: jax.Array  # pmol/kg
    I_pb: jax.Array  # pmol/kg
    I_pob: jax.Array  # pmol/kg
    EGP_b: jax.Array  # mg/kg/min
    I_sc1b: jax.Array  # pmol/kg
    I_sc2b: jax.Array  # pmol/kg
    FFA_b: jax.Array  # umol/L


class FastArgs(eqx.Module):
    params: Parameters
    basal: Basal
    schedule: AbstractSchedule
    action: AbstractInsulinAction = Phenomenological()
    cell_basal: CellBasal | None = None  # the action's basal reference (mechanistic option)


class Fluxes(eqx.Module):
    """Observable concentrations and organ fluxes at one instant."""

    glucose_mg_dl: jax.Array
    insulin_pmol_l: jax.Array
    glucagon_pg_ml: jax.Array
    egp_mg_kg_min: jax.Array  # liver (net endogenous production)
    ra_meal_mg_kg_min: jax.Array  # gut: ingested glucose reaching plasma
    uptake_muscle_mg_kg_min: jax.Array
    uptake_adipose_mg_kg_min: jax.Array
    uptake_other_mg_kg_min: jax.Array  # other insulin-dependent tissues
    uptake_brain_mg_kg_min: jax.Array  # insulin independent: brain and red cells
    excretion_kidney_mg_kg_min: jax.Array
    secretion_pmol_kg_min: jax.Array  # endogenous insulin reaching the liver
    gir_mg_kg_min: jax.Array  # intravenous glucose (fixed plus clamp-controlled)
    exogenous_insulin_pmol_kg_min: jax.Array  # subcutaneous absorption plus IV insulin
    hepatic_extraction: jax.Array  # fraction
    ffa_umol_l: jax.Array  # plasma free fatty acids
    lipolysis_umol_l_min: jax.Array  # adipose FFA release per litre of plasma
    action_muscle: jax.Array  # insulin action per tissue, plasma-insulin-equivalent pmol/L
    action_adipose: jax.Array
    action_liver: jax.Array
    action_lipogenic: jax.Array
    action_ovary: jax.Array
    action_antilipolysis: jax.Array
    # mechanistic option only (None otherwise)
    receptors_muscle: jax.Array | None = None  # surface receptors, % of the published pool
    receptors_adipose: jax.Array | None = None
    receptors_liver: jax.Array | None = None
    receptors_ovary: jax.Array | None = None
    glut4_muscle: jax.Array | None = None  # surface GLUT4, % of the cell's GLUT4
    glut4_adipose: jax.Array | None = None
    akt_liver: jax.Array | None = None  # active Akt, % of the hepatocyte's Akt


FLUX_META: dict[str, tuple[str, str, str]] = {
    # Fluxes field: (result variable name, unit, description)
    "glucose_mg_dl": ("glucose", "mg/dL", "plasma glucose"),
    "insulin_pmol_l": ("insulin", "pmol/L", "plasma insulin"),
    "glucagon_pg_ml": ("glucagon", "pg/mL", "plasma glucagon"),
    "egp_mg_kg_min": ("egp", "mg/kg/min", "liver: endogenous glucose production"),
    "ra_meal_mg_kg_min": ("ra_meal", "mg/kg/min", "gut: appearance of ingested glucose"),
    "uptake_muscle_mg_kg_min": ("uptake_muscle", "mg/kg/min", "skeletal muscle glucose uptake"),
    "uptake_adipose_mg_kg_min": ("uptake_adipose", "mg/kg/min", "adipose tissue glucose uptake"),
    "uptake_other_mg_kg_min": (
        "uptake_other",
        "mg/kg/min",
        "other insulin-dependent tissues' glucose uptake",
    ),
    "uptake_brain_mg_kg_min": (
        "uptake_brain",
        "mg/kg/min",
        "insulin-independent uptake: brain and red cells",
    ),
    "excretion_kidney_mg_kg_min": ("excretion_kidney", "mg/kg/min", "renal glucose excretion"),
    "secretion_pmol_kg_min": ("secretion", "pmol/kg/min", "pancreas: insulin secretion"),
    "gir_mg_kg_min": ("gir", "mg/kg/min", "intravenous glucose infusion rate"),
    "exogenous_insulin_pmol_kg_min": (
        "exogenous_insulin",
        "pmol/kg/min",
        "exogenous insulin reaching plasma",
    ),
    "hepatic_extraction": ("hepatic_extraction", "1", "hepatic insulin extraction"),
    "ffa_umol_l": ("ffa", "umol/L", "plasma free fatty acids"),
    "lipolysis_umol_l_min": ("lipolysis", "umol/L/min", "adipose tissue: lipolysis (FFA release)"),
    "action_muscle": ("action_muscle", "pmol/L", "insulin action on muscle glucose uptake"),
    "action_adipose": ("action_adipose", "pmol/L", "insulin action on adipose tissue"),
    "action_liver": ("action_liver", "pmol/L", "insulin action on hepatic glucose output"),
    "action_lipogenic": (
        "action_lipogenic",
        "pmol/L",
        "insulin action on hepatic de novo lipogenesis",
    ),
    "action_ovary": ("action_ovary", "pmol/L", "insulin action on ovarian theca cells"),
    "action_antilipolysis": (
        "action_antilipolysis",
        "pmol/L",
        "insulin action suppressing adipose lipolysis",
    ),
    **{
        f"receptors_{t}": (
            f"receptors_{t}",
            "%",
            f"{t}: surface insulin receptors, % of the published basal pool",
        )
        for t in TISSUES
    },
    "glut4_muscle": ("glut4_muscle", "%", "muscle: GLUT4 at the cell surface"),
    "glut4_adipose": ("glut4_adipose", "%", "adipose tissue: GLUT4 at the cell surface"),
    "akt_liver": ("akt_liver", "%", "liver: active Akt"),
}


def _evaluate(t, y: State, args: FastArgs) -> tuple[State, Fluxes]:
    p, b = args.params, args.basal
    u = args.schedule.inputs(t)
    BW = p.body.BW

    # gut
    dQ_sto1, dQ_sto2, dQ_gut = gut.derivatives(
        y.Q_sto1, y.Q_sto2, y.Q_gut, u.ingestion_mg_min, u.meal_dose_mg, p.gut
    )
    Ra = gut.rate_of_appearance(y.Q_gut, BW, p.gut)

    # insulin: secretion, exogenous insulin, kinetics
    S = pancreas.portal_secretion(y.I_po, p.pancreas)
    Ra_sc = subcutaneous.appearance(y.I_sc1, y.I_sc2, p.subcutaneous)
    Ra_I = Ra_sc + u.iv_insulin_pmol_min / BW
    dI_l, dI_p = insulin.derivatives(y.I_l, y.I_p, S, Ra_I, p.insulin)
    I = insulin.plasma_concentration(y.I_p, p.insulin)
    dI_sc1, dI_sc2 = subcutaneous.derivatives(
        y.I_sc1,
        y.I_sc2,
        p.subcutaneous.basal_rate + u.sc_insulin_pmol_min / BW,
        p.subcutaneous,
    )

    # insulin action per tissue (the option: published phenomenological or receptor route)
    dcells, act, sig = args.action.evaluate(
        y.cells, y.X + b.I_b, y.I_d, y.Y_fat, p, b.I_b, args.cell_basal
    )
    # adipose lipolysis and plasma FFA
    dY_fat = adipose.antilipolytic_insulin_derivative(y.Y_fat, I, p.adipose)
    lipo = adipose.lipolysis(act.antilipolysis, p.adipose)
    dFFA = adipose.ffa_derivative(y.FFA, lipo, p.adipose)

    # glucose production, utilization, excretion
    G = glucose.plasma_concentration(y.G_p, p.glucose)
    EGP = liver.glucose_production(y.G_p, act.liver, y.I_po, y.X_H, p.liver, p.glucagon)
    gain_ii, extra_action, km_factor = exercise.uptake_modifiers(
        y.Y_ex, y.Z_ex, y.W_ex, y.X + b.I_b, p.exercise
    )
    # muscle (and other insulin-dependent tissues) and adipose tissue each read their action;
    # utilization is linear in the action, so the whole body reads their share-weighted mean
    share_a = p.adipose.share_adipose
    X_m, X_a = act.muscle - b.I_b, act.adipose - b.I_b
    U_id = glucose.insulin_dependent_utilization(
        y.G_t, (1.0 - share_a) * X_m + share_a * X_a, p.glucose, gain_ii, extra_action, km_factor
    )
    U_m_rest = glucose.insulin_dependent_utilization(y.G_t, X_m, p.glucose)
    U_a_rest = glucose.insulin_dependent_utilization(y.G_t, X_a, p.glucose)
    U_id_rest = (1.0 - share_a) * U_m_rest + share_a * U_a_rest
    U_ii = brain.uptake(y.G_p, p.glucose.V_G, p.brain)
    E = kidney.excretion(y.G_p, p.kidney)

    # clamp: variable glucose infusion by a proportional-integral rule, never negative
    target = jnp.where(u.clamp_target_mg_dl > 0.0, u.clamp_target_mg_dl, b.G_b)
    error = target - G
    command = u.clamp_kp * error + u.clamp_ki * y.clamp_int
    gir_clamp = u.clamp_on * jnp.maximum(command, 0.0)
    # integrate only while the command is not held at zero (anti-windup)
    dclamp_int = u.clamp_on * jnp.where((command > 0.0) | (error > 0.0), error, 0.0)
    GIR = gir_clamp + u.iv_glucose_mg_min / BW

    dG_p, dG_t = glucose.derivatives(y.G_p, y.G_t, EGP + Ra + GIR, U_ii + E, U_id, p.glucose)
    dG_dt = dG_p / p.glucose.V_G

    # secretion, glucagon, delays
    dY, dI_po = pancreas.insulin_secretion_derivatives(y.Y, y.I_po, G, dG_dt, b.G_b, p.pancreas)
    dH, dSR_Hs = pancreas.glucagon_derivatives(y.H, y.SR_Hs, G, dG_dt, I, b.G_b, b.I_b, p.glucagon)
    dX_H = liver.glucagon_action_derivative(y.X_H, y.H, p.glucagon)
    dI_1, dI_d = liver.delayed_insulin_derivatives(y.I_1, y.I_d, I, p.liver)
    dX = glucose.remote_insulin_derivative(y.X, I, b.I_b, p.glucose)
    dHR = jnp.where(
        u.heart_rate_bpm > 0.0, jnp.maximum(u.heart_rate_bpm - p.exercise.HR_b, 0.0), 0.0
    )
    dY_ex, dZ_ex, dW_ex = exercise.derivatives(y.Y_ex, y.Z_ex, dHR, p.exercise)

    dy = State(
        Q_sto1=dQ_sto1,
        Q_sto2=dQ_sto2,
        Q_gut=dQ_gut,
        G_p=dG_p,
        G_t=dG_t,
        I_l=dI_l,
        I_p=dI_p,
        I_po=dI_po,
        Y=dY,
        X=dX,
        I_1=dI_1,
        I_d=dI_d,
        H=dH,
        SR_Hs=dSR_Hs,
        X_H=dX_H,
        Y_ex=dY_ex,
        Z_ex=dZ_ex,
        W_ex=dW_ex,
        I_sc1=dI_sc1,
        I_sc2=dI_sc2,
        clamp_int=dclamp_int,
        Y_fat=dY_fat,
        FFA=dFFA,
        cells=dcells,
    )
    U_ex = U_id - U_id_rest  # exercise-driven uptake, all in muscle
    m = muscle.glucose_uptake(U_m_rest, p.muscle) + U_ex
    a = adipose.glucose_uptake(U_a_rest, p.adipose)
    mech = {}
    if sig is not None:
        pct = 100.0 / p.receptor.R_total
        at = TISSUES.index
        mech = {
            **{
                f"receptors_{t}": sig.surface_receptors[..., i] * pct for i, t in enumerate(TISSUES)
            },
            "glut4_muscle": sig.glut4[..., at("muscle")],
            "glut4_adipose": sig.glut4[..., at("adipose")],
            "akt_liver": sig.akt[..., at("liver")] * 100.0 / p.signalling.Akt_total,
        }
    out = Fluxes(
        glucose_mg_dl=G,
        insulin_pmol_l=I,
        glucagon_pg_ml=y.H,
        egp_mg_kg_min=EGP,
        ra_meal_mg_kg_min=Ra,
        uptake_muscle_mg_kg_min=m,
        uptake_adipose_mg_kg_min=a,
        uptake_other_mg_kg_min=U_id - m - a,
        uptake_brain_mg_kg_min=U_ii,
        excretion_kidney_mg_kg_min=E,
        secretion_pmol_kg_min=S,
        gir_mg_kg_min=GIR,
        exogenous_insulin_pmol_kg_min=Ra_I,
        hepatic_extraction=insulin.hepatic_extraction(S, p.insulin),
        ffa_umol_l=y.FFA,
        lipolysis_umol_l_min=lipo,
        action_muscle=act.muscle,
        action_adipose=act.adipose,
        action_liver=act.liver,
        action_lipogenic=act.lipogenic,
        action_ovary=act.ovary,
        action_antilipolysis=act.antilipolysis,
        **mech,
    )
    return dy, out


def rhs(t, y: State, args: FastArgs) -> State:
    """Right-hand side dy/dt of the fast model."""
    return _evaluate(t, y, args)[0]


def fluxes(t, y: State, args: FastArgs) -> Fluxes:
    """Concentrations and organ fluxes of state ``y`` at time ``t``."""
    return _evaluate(t, y, args)[1]


def basal_state(p: Parameters, throw: bool = True) -> Basal:
    """Solve the basal steady state of a person (no meal, exercise or infusion).

    Insulin follows from basal secretion ``S_b`` and any basal subcutaneous insulin (a linear
    2x2 system); plasma glucose is the root of the glucose balance
    EGP(G_p) = U_ii + E(G_p) + U_id(G_t(G_p)), with tissue glucose G_t(G_p) from its own steady
    state (a quadratic), found by bisection. The secretion set point h is this basal glucose.
    For the published parameter sets this reproduces the published basal values (tested).
    With ``throw=False`` a glucose outside [10, 1000] mg/dL is not an error (the slow model's
    search over basal secretion visits such values on its way to the root).
    """
    pi, pg = p.insulin, p.glucose
    S_b = p.pancreas.S_b
    HE = insulin.hepatic_extraction(S_b, pi)
    m_3 = HE * pi.m_1 / (1.0 - HE)
    Ra_Ib = p.subcutaneous.basal_rate
    det = (pi.m_1 + m_3) * (pi.m_2 + pi.m_4) - pi.m_1 * pi.m_2
    I_lb = (S_b * (pi.m_2 + pi.m_4) + pi.m_2 * Ra_Ib) / det
    I_pb = ((pi.m_1 + m_3) * Ra_Ib + pi.m_1 * S_b) / det
    I_b = I_pb / pi.V_I
    I_pob = S_b / p.pancreas.gamma

    def tissue(G_p):
        B = pg.V_m0 + pg.k_2 * pg.K_m0 - pg.k_1 * G_p
        return (-B + jnp.sqrt(B * B + 4.0 * pg.k_2 * pg.k_1 * G_p * pg.K_m0)) / (2.0 * pg.k_2)

    def residual(G_p, _):
        G_t = tissue(G_p)
        EGP = liver.glucose_production(G_p, I_b, I_pob, 0.0, p.liver, p.glucagon)
        U_id = glucose.insulin_dependent_utilization(G_t, 0.0, pg)
        return EGP - brain.uptake(G_p, pg.V_G, p.brain) - kidney.excretion(G_p, p.kidney) - U_id

    # the residual falls with glucose (production down, uptake up); "detect" also checks the
    # bracket, which a search that may leave it (throw=False) must not do
    solver = optx.Bisection(rtol=1e-13, atol=1e-10, flip="detect" if throw else True)
    sol = optx.root_find(
        residual,
        solver,
        pg.V_G * 100.0,
        max_steps=256,
        options={"lower": pg.V_G * 10.0, "upper": pg.V_G * 1000.0},
        throw=throw,
    )
    G_pb = sol.value
    G_tb = tissue(G_pb)
    EGP_b = liver.glucose_production(G_pb, I_b, I_pob, 0.0, p.liver, p.glucagon)
    sc = p.subcutaneous
    I_sc1b = Ra_Ib / (sc.k_d + sc.k_a1)
    return Basal(
        G_b=G_pb / pg.V_G,
        I_b=I_b,
        G_pb=G_pb,
        G_tb=G_tb,
        I_lb=I_lb,
        I_pb=I_pb,
        I_pob=I_pob,
        EGP_b=EGP_b,
        I_sc1b=I_sc1b,
        I_sc2b=sc.k_d * I_sc1b / sc.k_a2,
        FFA_b=adipose.basal_ffa(I_b, p.adipose),
    )


def initial_state(p: Parameters, b: Basal, cell_basal: CellBasal | None = None) -> State:
    """The basal steady state as a :class:`State` (the start of every protocol).

    ``cell_basal`` (from ``action.basal``) supplies the receptor and GLUT4 state of the
    mechanistic insulin-action option.
    """
    z = jnp.zeros_like(b.G_b)
    return State(
        Q_sto1=z,
        Q_sto2=z,
        Q_gut=z,
        G_p=b.G_pb,
        G_t=b.G_tb,
        I_l=b.I_lb,
        I_p=b.I_pb,
        I_po=b.I_pob,
        Y=z,
        X=z,
        I_1=b.I_b,
        I_d=b.I_b,
        H=z + p.glucagon.H_b,
        SR_Hs=z + p.glucagon.n * p.glucagon.H_b,
        X_H=z,
        Y_ex=z,
        Z_ex=z,
        W_ex=z,
        I_sc1=b.I_sc1b,
        I_sc2=b.I_sc2b,
        clamp_int=z,
        Y_fat=b.I_b,
        FFA=b.FFA_b,
        cells=None if cell_basal is None else cell_basal.cells,
    )

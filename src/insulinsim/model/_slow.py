"""The slow model (days to decades) and its coupling to the fast model.

Multirate scheme: the slow state (beta-cell mass and function, body composition, liver and
muscle fat, HbA1c, lagged risk-factor and intervention effects, insulin dose) is frozen over a
slow step; one representative day of the fast model (the standard three-meal day) and one OGTT
are solved with the parameters it implies; the day's summaries (averages over the day of the
slow laws' rates, mean glucose, insulin, FFA, lipogenic drive, glucosuria) then advance the slow
state over the step. Each law lives in its organ's module; this module only wires them:

- beta cells (``pancreas``): mass d beta/dt = (P(ISR) - A(G)) beta / tau_b - death and function
  sigma -> sigma_inf(G, ISR) (Ha & Sherman 2020), read at the day's fasting glucose (relative to
  the preset's) and the day-mean secretion per unit mass; capacity = mass x function relative to
  the preset's first day scales basal and glucose-stimulated secretion. Secretion per unit
  capacity senses glucose through the Ha-Sherman exocytosis model at steady state, and its
  glucose-sensing shift gamma follows the day's glucose within days (the fast arm of
  compensation). Age and family history lower the demand-driven ceiling of function (the
  authors' beta-cell defect), not secretion itself.
- insulin sensitivity: the receptor pool at the day's mean insulin (down-regulation) and the
  inhibitor exposures (cytokines from visceral fat, ectopic lipid in muscle and liver) go
  through the receptor/IRS-1/PI3K/Akt/GLUT4 model; the response to a meal-sized insulin step,
  relative to the healthy reference person's, scales V_mx (muscle) and k_p3 (liver).
- body composition by energy balance (``body``), liver fat and IMCL (``liver``, ``muscle``),
  HbA1c (``glycation``), TG, HDL and blood pressure (``lipids``).
- risk factors and interventions: each effect follows its factor's deviation from the reference
  level with its own onset time and acts on one named target (``TARGETS``).

All functions are pure and act on one person; the driver in :mod:`insulinsim.solve` vmaps them.
Time in days.
"""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import optimistix as optx

from insulinsim.model._action import (
    _LIVER,
    _MUSCLE,
    akt_response,
    glut4_response,
    receptor_steady_state,
)
from insulinsim.model._fast import basal_state
from insulinsim.parameters import Parameters
from insulinsim.physiology import (
    adipose,
    body,
    glycation,
    liver,
    muscle,
    pancreas,
    receptor,
)
from insulinsim.units import KCAL_PER_G_GLUCOSE, PMOL_PER_MU_INSULIN

__all__ = [
    "ADDITIVE_TARGETS",
    "MULTIPLICATIVE_TARGETS",
    "TARGETS",
    "Effects",
    "Modifiers",
    "Reference",
    "Sensitivity",
    "SlowState",
    "Summary",
    "day_parameters",
    "initial_slow_state",
    "modifiers",
    "sensitivity",
    "slow_update",
    "with_exposures",
]

# what an effect can act on; multiplicative targets first, then additive ones
MULTIPLICATIVE_TARGETS: tuple[str, ...] = (
    "muscle_sensitivity",
    "hepatic_sensitivity",
    "beta_function",
    "insulin_secretion",
    "egp",
    "renal_threshold",
    "gastric_emptying",
    "visceral_share",
    "liver_fat",
    "triglycerides",
    "ovarian_androgen",
)
ADDITIVE_TARGETS: tuple[str, ...] = (
    "beta_death",
    "energy_intake",
    "physical_activity",
    "lean_mass",
    "inflammation",
    "sbp",
    "hdl",
    "testosterone",
)
TARGETS: tuple[str, ...] = MULTIPLICATIVE_TARGETS + ADDITIVE_TARGETS
_T = {t: i for i, t in enumerate(TARGETS)}

# insulin probe of the sensitivity read-out: fasting insulin and fasting + a meal's peak rise
# of the healthy person (records dallaman2007_basal_values_normal, dallaman2007_normal_peaks)
PROBE_LOW_PMOL_L = 25.49
PROBE_HIGH_PMOL_L = 25.49 + 360.0


class Effects(eqx.Module):
    """The effects of a scenario's factors as arrays (one row per effect).

    ``factor`` indexes the factor whose deviation drives the effect; ``log_coef`` adds
    ``coef x deviation`` to the log-multiplier of a multiplicative target; ``lin_coef`` adds it
    to the fractional change of a multiplicative target or to the value of an additive one.
    """

    factor: jax.Array  # (E,) int
    log_coef: jax.Array  # (E, n_targets)
    lin_coef: jax.Array  # (E, n_targets)
    tau_days: jax.Array  # (E,)
    saturation: jax.Array  # (E,) cap on |deviation| (inf = none)


class Modifiers(eqx.Module):
    """Every target's current value: multipliers (1 = none) and additive shifts (0 = none)."""

    values: jax.Array  # (n_targets,)

    def __getitem__(self, name: str):
        return self.values[..., _T[name]]


class SlowState(eqx.Module):
    beta: jax.Array  # beta-cell mass relative to the healthy reference person
    sigma: jax.Array  # beta-cell function (Ha-Sherman units)
    fat: jax.Array  # fat mass, kg
    lean: jax.Array  # lean (fat-free) mass, kg
    liver_fat: jax.Array  # intrahepatic triglyceride, %
    imcl: jax.Array  # intramyocellular lipid relative to healthy
    a1c: jax.Array  # HbA1c, % (NGSP)
    lags: jax.Array  # (E,) lagged factor deviations, one per effect
    insulin_dose: jax.Array  # basal insulin, U/day
    mean_insulin: jax.Array  # last representative day's mean plasma insulin, pmol/L
    gamma: jax.Array  # shift of beta-cell glucose sensing (Ha-Sherman units)
    gamma_prev: jax.Array  # the shift one step earlier (secant slope of the update)
    gamma_target_prev: jax.Array  # the day's target one step earlier
    gamma0: jax.Array  # the shift on the first day (the preset's own adaptation; constant)
    sigma0: jax.Array  # function on the first day (steady at the preset's state; constant)
    G_b0: jax.Array  # the preset's fasting glucose, mg/dL (constant)
    lean_fraction0: jax.Array  # lean share of body weight at the start (constant)


class Reference(eqx.Module):
    """Summaries of the healthy reference person's standard day, which normalise the slow laws
    so that the healthy reference person is at steady state."""

    mean_secretion_pmol_min: jax.Array  # day-mean secretion x body weight
    ffa: jax.Array  # day-mean FFA, umol/L
    lipogenic: jax.Array  # day-mean hepatic lipogenic action, pmol/L
    mean_insulin: jax.Array  # day-mean plasma insulin, pmol/L
    surface_muscle: jax.Array  # receptor units at the reference's mean insulin
    surface_liver: jax.Array
    response_muscle: jax.Array  # GLUT4 response to the probe
    response_liver: jax.Array  # Akt response to the probe


class Summary(eqx.Module):
    """What one representative day tells the slow laws."""

    mean_glucose: jax.Array  # mg/dL
    mean_insulin: jax.Array  # pmol/L
    proliferation: jax.Array  # P(ISR) at the day's per-cell secretory demand
    apoptosis: jax.Array  # A(G) at the fasting state
    sigma_target: jax.Array  # sigma_inf(G, ISR): fasting glucose, the day's demand
    gamma_target: jax.Array  # day-mean gamma_inf(G)
    ffa: jax.Array  # umol/L
    lipogenic: jax.Array  # pmol/L
    glucosuria_g_day: jax.Array  # g/day


class Sensitivity(eqx.Module):
    """Insulin sensitivity read off the signalling model, relative to the healthy reference."""

    muscle: jax.Array
    liver: jax.Array
    surface_muscle: jax.Array  # % of the healthy reference's surface receptors
    surface_liver: jax.Array
    cytokine: jax.Array  # inhibitor exposures used
    lipid_muscle: jax.Array
    lipid_liver: jax.Array


def modifiers(lags, effects: Effects) -> Modifiers:
    """Target values from the lagged deviations of the effects."""
    d = jnp.clip(lags, -effects.saturation, effects.saturation)
    log_m = d @ effects.log_coef
    lin = d @ effects.lin_coef
    n_mult = len(MULTIPLICATIVE_TARGETS)
    mult = jnp.exp(log_m[..., :n_mult]) * jnp.maximum(1.0 + lin[..., :n_mult], 0.0)
    return Modifiers(jnp.concatenate([mult, lin[..., n_mult:]], -1))


def with_exposures(p: Parameters, cytokine, lipid) -> Parameters:
    """``p`` with the inhibitor exposures (cytokine and ectopic lipid, 0..1) replaced."""
    q = eqx.tree_at(
        lambda q: (q.cytokine_exposure, q.lipid_exposure), p.inhibitors, (cytokine, lipid)
    )
    return eqx.tree_at(lambda p: p.inhibitors, p, q)


def sensitivity(
    p: Parameters, s: SlowState, mods: Modifiers, ref: Reference, age_years, pal0
) -> Sensitivity:
    """Muscle and hepatic insulin sensitivity from receptors and inhibitors (relative)."""
    vat = body.visceral_fat(s.fat, age_years, p.gonads.male, p.composition) * mods["visceral_share"]
    cytokine = jnp.clip(adipose.cytokine_exposure(vat, p.ectopic) + mods["inflammation"], 0.0, 1.0)
    fitness = 1.0 + mods["physical_activity"] / pal0
    lipid_m = muscle.muscle_lipid_exposure(s.imcl, fitness, p.ectopic)
    lipid_l = liver.liver_lipid_exposure(s.liver_fat, p.ectopic)
    pm = with_exposures(p, cytokine, lipid_m)
    pl = with_exposures(p, cytokine, lipid_l)
    # the receptor pool settles within hours: at steady state with the day's mean insulin
    # (binding and trafficking do not feel the lipid and cytokine steps, so one solve serves both)
    cells = receptor_steady_state(s.mean_insulin, pm)
    surf_m = receptor.surface(*_pools(cells, _MUSCLE))
    surf_l = receptor.surface(*_pools(cells, _LIVER))

    r_m = _probe_step(glut4_response, pm, surf_m, _MUSCLE)
    r_l = _probe_step(akt_response, pl, surf_l, _LIVER)
    return Sensitivity(
        muscle=r_m / ref.response_muscle,
        liver=r_l / ref.response_liver,
        surface_muscle=100.0 * surf_m / ref.surface_muscle,
        surface_liver=100.0 * surf_l / ref.surface_liver,
        cytokine=cytokine,
        lipid_muscle=lipid_m,
        lipid_liver=lipid_l,
    )


def _pools(cells, tissue):
    return cells.free[..., tissue], cells.phos[..., tissue]


def _probe_step(response, p: Parameters, surface, tissue: int):
    """A tissue's response to the insulin probe (meal-sized step from fasting insulin)."""
    return response(PROBE_HIGH_PMOL_L, surface, p, tissue) - response(
        PROBE_LOW_PMOL_L, surface, p, tissue
    )


def reference_signalling(p: Parameters, mean_insulin):
    """(surface_muscle, surface_liver, response_muscle, response_liver) of a person with no
    inhibitor exposure at a given mean insulin: the healthy reference's read-out."""
    q = with_exposures(p, 0.0, 0.0)
    cells = receptor_steady_state(mean_insulin, q)
    sm = receptor.surface(*_pools(cells, _MUSCLE))
    sl = receptor.surface(*_pools(cells, _LIVER))
    return (
        sm,
        sl,
        _probe_step(glut4_response, q, sm, _MUSCLE),
        _probe_step(akt_response, q, sl, _LIVER),
    )


def capacity(s: SlowState):
    """Beta-cell secretory capacity (mass x function) relative to the preset's own at the start.

    A preset's secretion parameters describe the person as they are on the first day, so their
    function then is the steady sigma of that day (sigma0), not the healthy reference's."""
    return s.beta * s.sigma / s.sigma0


def body_weight(s: SlowState, mods: Modifiers):
    return s.fat + s.lean + mods["lean_mass"]


def day_parameters(
    p0: Parameters, s: SlowState, mods: Modifiers, sens: Sensitivity, ref: Reference
) -> Parameters:
    """The fast model's parameters for a representative day with this slow state."""
    cap = capacity(s)
    bc = p0.beta_cell
    # the sensing shift raises secretion at every glucose (read at the reference glucose)
    shift = pancreas.secretion_factor(s.G_b0, s.gamma, s.G_b0, s.gamma0, bc)
    BW = body_weight(s, mods)
    # insulin-stimulated disposal is into lean tissue (record clamp_muscle_fraction): per kg of
    # body weight it falls as the lean share falls
    lean_share = (s.lean + mods["lean_mass"]) / BW / s.lean_fraction0
    egp = mods["egp"]
    sc_rate = s.insulin_dose * 1000.0 * PMOL_PER_MU_INSULIN / 1440.0 / BW
    p = eqx.tree_at(
        lambda p: (
            p.body.BW,
            p.glucose.V_mx,
            p.liver.k_p1,
            p.liver.k_p2,
            p.liver.k_p3,
            p.liver.k_p4,
            p.kidney.k_e2,
            p.gut.k_max,
            p.gut.k_min,
            p.pancreas.K,
            p.pancreas.beta,
            p.subcutaneous.basal_rate,
        ),
        p0,
        (
            BW,
            p0.glucose.V_mx * sens.muscle * mods["muscle_sensitivity"] * lean_share,
            p0.liver.k_p1 * egp,
            p0.liver.k_p2 * egp,
            p0.liver.k_p3 * egp * sens.liver * mods["hepatic_sensitivity"],
            p0.liver.k_p4 * egp,
            p0.kidney.k_e2 * mods["renal_threshold"],
            p0.gut.k_max * mods["gastric_emptying"],
            p0.gut.k_min * mods["gastric_emptying"],
            p0.pancreas.K * cap * shift * mods["insulin_secretion"],
            p0.pancreas.beta * cap * shift * mods["insulin_secretion"],
            p0.subcutaneous.basal_rate + sc_rate,
        ),
    )
    return _glucose_sensing_basal(p, p0.pancreas.S_b * cap, s)


def _glucose_sensing_basal(p: Parameters, S_b_ref, s: SlowState) -> Parameters:
    """Set basal secretion to S_b_ref ISR(G_b, gamma)/ISR(G_b0, gamma0) at its own fasting
    glucose G_b (solved self-consistently)."""
    bc = p.beta_cell

    def with_sb(G):
        f = pancreas.secretion_factor(G, s.gamma, s.G_b0, s.gamma0, bc)
        return eqx.tree_at(lambda q: q.pancreas.S_b, p, S_b_ref * f)

    def residual(G, _):
        return basal_state(with_sb(G), throw=False).G_b - G

    sol = optx.root_find(
        residual,
        optx.Bisection(rtol=1e-10, atol=1e-6, flip=True),  # G_b(S_b(G)) - G falls with G
        jnp.asarray(100.0),
        max_steps=128,
        options={"lower": 20.0, "upper": 600.0},
        throw=False,
    )
    return with_sb(sol.value)


def day_summary(
    G, I, S, ffa, lipogenic, excretion, G_b, G_b0, BW, beta, ceiling, ref: Reference, p: Parameters
):
    """Summaries of one representative day.

    ``G``, ``I``, ``S``, ``ffa``, ``lipogenic``, ``excretion`` are sampled at equal intervals
    over the day (mg/dL, pmol/L, pmol/kg/min, umol/L, pmol/L, mg/kg/min); ``G_b`` (mg/dL) is
    the day's fasting glucose and ``G_b0`` the preset's; ``ceiling`` scales the demand-driven
    ceiling of beta-cell function (age, family history).

    Secretory demand per unit beta-cell mass is read over the whole day (meals included, as in
    Ha & Sherman, where ISR drives proliferation and function continuously); glucotoxicity is
    read at fasting glucose, because the authors' loss-of-function term was built for a normal
    subject whose meal peaks stay near 100 mg/dL, far below this model's 150-180 mg/dL.
    """
    bc = p.beta_cell
    per_cell = jnp.mean(S) * BW / (jnp.maximum(beta, 1e-9) * ref.mean_secretion_pmol_min)
    # glucotoxicity reads the change of fasting glucose from the preset's own starting value,
    # mapped onto the authors' normal subject: a preset (t2d, say) describes a person whose
    # function is steady on the first day, not one whose function is about to collapse
    G_hs = (G_b - G_b0 + bc.G_ref) * bc.glucose_scale
    return Summary(
        mean_glucose=jnp.mean(G),
        mean_insulin=jnp.mean(I),
        proliferation=pancreas.beta_proliferation(per_cell * bc.isr_proliferation_ref, bc),
        apoptosis=pancreas.beta_apoptosis(G_hs, bc),
        sigma_target=pancreas.beta_function_target(
            G_hs, per_cell * bc.isr_function_ref, bc, ceiling
        ),
        gamma_target=jnp.mean(pancreas.glucose_sensing_shift_target(G * bc.glucose_scale, bc)),
        ffa=jnp.mean(ffa),
        lipogenic=jnp.mean(lipogenic),
        glucosuria_g_day=jnp.mean(excretion) * BW * 1440.0 / 1000.0,
    )


def _relax(x, target, rate_fn, dt):
    """Exact step of a linear first-order law dx/dt = rate_fn(x, target) (rate read off)."""
    k = -rate_fn(target + 1.0, target)  # 1/tau
    return target + (x - target) * jnp.exp(-k * dt)


def _gamma_step(s: SlowState, target, dt, tau):
    """One step of the sensing shift, linearly implicit in its own feedback.

    gamma relaxes in days (tau = 2.14 d) towards a target read from the representative day,
    and that day depends on gamma (more sensing, more secretion, lower glucose, lower target).
    With steps of weeks an explicit step jumps to the lagged target and, where the target is
    steep in glucose (fasting glucose near the sigmoid's midpoint, about 100-115 mg/dL), it
    overshoots into a period-2 oscillation. Here the target is linearised in gamma with the
    secant slope of the last two steps, T(g) = T + slope (g - gamma), and the relaxation is
    taken with it (a linearly implicit Euler step): the fixed point is unchanged, the
    negative feedback is damped. A positive slope is not used (it would destabilise)."""
    dg = s.gamma - s.gamma_prev
    dT = target - s.gamma_target_prev
    slope = jnp.where(jnp.abs(dg) > 1e-12, dT / jnp.where(jnp.abs(dg) > 1e-12, dg, 1.0), 0.0)
    slope = jnp.clip(slope, -1e3, 0.0)
    r = 1.0 - jnp.exp(-dt / tau)
    return s.gamma + r * (target - s.gamma) / (1.0 - r * slope)


def energy_intake(p: Parameters, mods: Modifiers, summary: Summary, intake0):
    """Energy intake (kcal/day) net of glucose lost in the urine."""
    return intake0 + mods["energy_intake"] - KCAL_PER_G_GLUCOSE * summary.glucosuria_g_day


def slow_update(
    p: Parameters,
    s: SlowState,
    mods: Modifiers,
    summary: Summary,
    ref: Reference,
    deviations,
    effects: Effects,
    intake0,
    K_energy,
    pal0,
    carbs_rel,
    dt,
    n_sub: int,
    titration,
) -> SlowState:
    """Advance the slow state over ``dt`` days with this day's summaries held.

    ``deviations``: (n_factors,) deviations of the factors during the step; ``titration``:
    (on, start_dose U/kg/day, step U, interval days, target mg/dL, fasting glucose mg/dL).
    """
    bc = p.beta_cell
    rate = (summary.proliferation - summary.apoptosis) / bc.tau_b - mods["beta_death"]
    beta = s.beta * jnp.exp(rate * dt)
    sigma = summary.sigma_target + (s.sigma - summary.sigma_target) * jnp.exp(-dt / bc.tau_sigma)
    gamma = _gamma_step(s, summary.gamma_target, dt, bc.tau_gamma)

    # body composition: Hall's energy balance, sub-stepped (weight moves over months)
    intake = energy_intake(p, mods, summary, intake0)
    pal = pal0 + mods["physical_activity"]
    h = dt / n_sub

    def sub(_, fl):
        F, L = fl
        dF, dL = body.composition_rates(F, L, intake, intake0, pal, K_energy, p.composition)
        return jnp.maximum(F + h * dF, 0.5), jnp.maximum(L + h * dL, 10.0)

    fat, lean = jax.lax.fori_loop(0, n_sub, sub, (s.fat, s.lean))

    ffa_rel = summary.ffa / ref.ffa
    lf_target = liver.liver_fat_target(
        ffa_rel=ffa_rel,
        dnl_rel=summary.lipogenic / ref.lipogenic * carbs_rel,
        fat_intake_rel=intake / intake0,
        input_multiplier=mods["liver_fat"],
        p=p.ectopic,
    )
    liver_fat = _relax(
        s.liver_fat, lf_target, lambda x, t: liver.liver_fat_rate(x, t, p.ectopic), dt
    )
    fitness = pal / pal0
    imcl_target = muscle.imcl_target(ffa_rel=ffa_rel, fitness_rel=fitness, p=p.ectopic)
    imcl = _relax(s.imcl, imcl_target, lambda x, t: muscle.imcl_rate(x, t, p.ectopic), dt)

    a1c = glycation.hba1c_update(s.a1c, summary.mean_glucose, dt, p.glycation)

    dev = deviations[effects.factor]
    lags = dev + (s.lags - dev) * jnp.exp(-dt / effects.tau_days)

    on, start, step_u, interval, target, fpg = titration
    dose = jnp.where(on, jnp.maximum(s.insulin_dose, start * (fat + lean)), 0.0)
    dose = dose + on * step_u / interval * jnp.clip((fpg - target) / 10.0, -1.0, 1.0) * dt
    return SlowState(
        beta=beta,
        sigma=sigma,
        fat=fat,
        lean=lean,
        liver_fat=liver_fat,
        imcl=imcl,
        a1c=a1c,
        lags=lags,
        insulin_dose=jnp.maximum(dose, 0.0),
        mean_insulin=summary.mean_insulin,
        gamma=gamma,
        gamma_prev=s.gamma,
        gamma_target_prev=summary.gamma_target,
        gamma0=s.gamma0,
        sigma0=s.sigma0,
        G_b0=s.G_b0,
        lean_fraction0=s.lean_fraction0,
    )


def initial_slow_state(p: Parameters, age_years, lags, mean_insulin, a1c, gamma) -> SlowState:
    """The slow state at the start: the preset's body weight split into fat and lean mass,
    the healthy reference's beta-cell mass and function, healthy liver fat and IMCL, the
    effects at their factors' starting deviations; the driver passes the mean insulin that sets
    the receptor pool and the HbA1c of the first day's mean glucose."""
    F = body.fat_mass_initial(p.body.BW, p.body.height, age_years, p.gonads.male, p.composition)
    z = jnp.zeros_like(jnp.asarray(p.body.BW, dtype=jnp.float64))
    return SlowState(
        beta=z + 1.0,
        sigma=z + 1.0,
        fat=F,
        lean=p.body.BW - F,
        liver_fat=z + p.ectopic.LF_ref,
        imcl=z + 1.0,
        a1c=z + a1c,
        lags=lags,
        insulin_dose=z,
        mean_insulin=z + mean_insulin,
        gamma=z + gamma,
        gamma_prev=z + gamma,
        gamma_target_prev=z + gamma,
        gamma0=z + gamma,
        sigma0=z + 1.0,
        G_b0=basal_state(p, throw=False).G_b,
        lean_fraction0=(p.body.BW - F) / p.body.BW,
    )

"""How insulin acts on the tissues: the two options of the fast model.

An insulin-action option is an object passed to the fast model (``FastArgs.action``, or
``simulate(..., action=...)``). It turns the insulin each tissue sees into an *action* per
tissue, expressed as the plasma-insulin-equivalent concentration (pmol/L) that would have the
same effect in the published meal model, so that both options drive the same organ equations:

- :class:`Phenomenological` (default): Dalla Man, Rizza & Cobelli 2007. Muscle, adipose and
  ovary read the remote (interstitial) insulin ``I_b + X``; the liver reads the delayed
  insulin ``I_d``. No extra state.
- :class:`Mechanistic`: one receptor/signalling instance per tissue (muscle, adipose, liver,
  ovary; ``physiology.receptor`` and ``physiology.signalling``), each with its own receptor
  pool and inhibitor exposure. Interstitial insulin ``I_b + X`` drives binding in muscle and
  ovary; the liver's receptors see the delayed insulin ``I_d`` and the adipocytes the
  anti-lipolytic insulin compartment (the delays of the published models, so EGP and FFA
  suppression keep their measured timing). Muscle and adipose glucose uptake scale with
  surface GLUT4; hepatic glucose output, adipose lipolysis and the ovary with active Akt:

      action = I_b + (signal - signal_basal) / gain

  where ``signal_basal`` is the person's own basal steady state (so the basal state of the
  published model is unchanged) and ``gain`` (``tissues.toml``) is calibrated so that, with
  default parameters, the mechanistic option reproduces the phenomenological one for a
  healthy OGTT and meal. Hepatic lipogenesis reads the same hepatic receptors through a
  branch that the hepatic inhibitors reach only by ``tissues.dnl_inhibition`` (selective
  hepatic insulin resistance).
"""

from __future__ import annotations

import abc
from typing import NamedTuple

import equinox as eqx
import jax
import jax.numpy as jnp
import optimistix as optx

from insulinsim.parameters import Parameters
from insulinsim.physiology import receptor, signalling

__all__ = [
    "TISSUES",
    "AbstractInsulinAction",
    "Actions",
    "CellBasal",
    "Cells",
    "Mechanistic",
    "Phenomenological",
    "akt_response",
    "cell_signals",
    "glut4_response",
    "insulin_for_glut4",
    "receptor_steady_state",
]

TISSUES: tuple[str, ...] = ("muscle", "adipose", "liver", "ovary")
_MUSCLE, _ADIPOSE, _LIVER, _OVARY = (TISSUES.index(t) for t in TISSUES)


class Cells(eqx.Module):
    """Receptor and GLUT4 state of the four tissues; every field has a trailing tissue axis."""

    free: jax.Array  # unphosphorylated surface receptors x2 + x3 (receptor units)
    phos: jax.Array  # phosphorylated surface receptors x4 + x5
    x6: jax.Array  # free intracellular receptors
    x7: jax.Array  # internalised twice-bound receptors
    x8: jax.Array  # internalised once-bound receptors
    g4_in: jax.Array  # intracellular GLUT4 (% of the basal total)
    g4_surf: jax.Array  # surface GLUT4 (%)


class CellBasal(eqx.Module):
    """A person's basal cell state and the signals the actions are measured from."""

    cells: Cells
    glut4: jax.Array  # surface GLUT4 (%) per tissue at the basal state
    akt: jax.Array  # active Akt per tissue at the basal state
    akt_lipogenic: jax.Array  # the hepatic lipogenic branch's active Akt at the basal state


class Actions(NamedTuple):
    """Insulin action per tissue, as plasma-insulin-equivalent concentrations (pmol/L)."""

    muscle: jax.Array
    adipose: jax.Array
    liver: jax.Array  # on glucose output
    lipogenic: jax.Array  # on hepatic de novo lipogenesis
    ovary: jax.Array
    antilipolysis: jax.Array  # on adipose lipolysis


class Signals(NamedTuple):
    """Per-tissue read-outs of the mechanistic option."""

    surface_receptors: jax.Array  # receptor units per cell
    glut4: jax.Array  # surface GLUT4 (%)
    akt: jax.Array  # active Akt
    akt_lipogenic: jax.Array  # active Akt of the hepatic lipogenic branch (scalar)


def _tissues(p: Parameters):
    """Each tissue's receptor-pool scale and inhibition factors (trailing tissue axis)."""
    scale, weight, lipid = _tissue_vectors(p)
    return scale, signalling.inhibition(_expand(p.inhibitors, scale), weight, lipid)


def _tissue_vectors(p: Parameters):
    t = p.tissues
    stack = lambda *xs: jnp.stack([jnp.asarray(x, dtype=jnp.float64) for x in xs], -1)  # noqa: E731
    scale = stack(t.receptors_muscle, t.receptors_adipose, t.receptors_liver, t.receptors_ovary)
    weight = stack(
        t.inhibition_muscle, t.inhibition_adipose, t.inhibition_liver, t.inhibition_ovary
    )
    zero = jnp.zeros_like(jnp.asarray(t.lipid_share_muscle, dtype=jnp.float64))
    lipid = stack(t.lipid_share_muscle, zero, t.lipid_share_liver, zero)
    return scale, weight, lipid


def _expand(q, like):
    """Give every leaf of an inhibitor group a trailing axis to broadcast against tissues."""
    return jax.tree.map(lambda v: jnp.asarray(v, dtype=jnp.float64)[..., None] + 0.0 * like, q)


def cell_signals(cells: Cells, ligand, p: Parameters):
    """Derivatives of the cell state and the per-tissue signals at one instant.

    ``ligand`` holds the insulin (pmol/L) at each tissue's receptors (trailing tissue axis).
    """
    pr, ps = p.receptor, p.signalling
    scale, f = _tissues(p)
    c = cells
    d = receptor.derivatives(c.free, c.phos, c.x6, c.x7, c.x8, ligand, scale, pr, f.binding)
    casc = signalling.cascade(c.phos, ps, f.irs1, f.akt)
    dg_in, dg_surf = signalling.glut4_derivatives(c.g4_in, c.g4_surf, casc.effect, ps, f.glut4)
    # the hepatic lipogenic branch: the hepatic receptors, inhibitors scaled by dnl_inhibition
    q = p.inhibitors
    w_dnl = p.tissues.inhibition_liver * p.tissues.dnl_inhibition
    f_dnl = signalling.inhibition(q, w_dnl, p.tissues.lipid_share_liver)
    lipo = signalling.cascade(c.phos[..., _LIVER], ps, f_dnl.irs1, f_dnl.akt)
    dcells = Cells(*d, g4_in=dg_in, g4_surf=dg_surf)
    surf = receptor.surface(c.free, c.phos)
    return dcells, Signals(surf, c.g4_surf, casc.akt, lipo.akt)


def receptor_steady_state(ligand, p: Parameters) -> Cells:
    """Steady cell state of every tissue at constant insulin ``ligand`` (pmol/L per tissue)."""
    pr, ps = p.receptor, p.signalling
    scale, f = _tissues(p)
    ligand = jnp.broadcast_to(jnp.asarray(ligand, dtype=jnp.float64), scale.shape)
    x0 = jnp.stack(receptor.zero_insulin_state(scale, pr))

    def residual(x, _):
        return jnp.stack(receptor.derivatives(*x, ligand, scale, pr, f.binding)) / pr.R_total

    sol = optx.root_find(
        residual, optx.Newton(rtol=1e-12, atol=1e-12), x0, max_steps=64, throw=False
    )
    free, phos, x6, x7, x8 = sol.value
    casc = signalling.cascade(phos, ps, f.irs1, f.akt)
    g_in, g_surf = signalling.glut4_steady(casc.effect, ps, f.glut4)
    return Cells(free, phos, x6, x7, x8, g_in + 0.0 * free, g_surf)


class AbstractInsulinAction(eqx.Module):
    """An insulin-action option of the fast model (see the module docstring)."""

    @abc.abstractmethod
    def basal(self, p: Parameters, I_b) -> CellBasal | None:
        """Per-person basal reference (None when the option has no state)."""

    @abc.abstractmethod
    def evaluate(self, cells, I_isf, I_d, I_fat, p: Parameters, I_b, ref):
        """(d cells/dt or None, :class:`Actions`, :class:`Signals` or None).

        ``I_isf`` is interstitial insulin (``I_b + X``), ``I_d`` the delayed insulin acting
        on the liver and ``I_fat`` the insulin acting on adipose lipolysis (pmol/L).
        """


class Phenomenological(AbstractInsulinAction):
    """Insulin action of the published meal model (Dalla Man, Rizza & Cobelli 2007)."""

    def basal(self, p, I_b):
        return None

    def evaluate(self, cells, I_isf, I_d, I_fat, p, I_b, ref):
        return None, Actions(I_isf, I_isf, I_d, I_d, I_isf, I_fat), None


class Mechanistic(AbstractInsulinAction):
    """Receptor binding, trafficking and signalling per tissue drive the organ fluxes."""

    def basal(self, p, I_b):
        ligand = jnp.stack([I_b, I_b, I_b, I_b], -1)
        cells = receptor_steady_state(ligand, p)
        _, sig = cell_signals(cells, ligand, p)
        return CellBasal(cells, sig.glut4, sig.akt, sig.akt_lipogenic)

    def evaluate(self, cells, I_isf, I_d, I_fat, p, I_b, ref: CellBasal):
        ligand = jnp.stack([I_isf, I_fat, I_d, I_isf], -1)
        dcells, sig = cell_signals(cells, ligand, p)
        t = p.tissues
        glut4 = sig.glut4 - ref.glut4
        akt = sig.akt - ref.akt
        actions = Actions(
            muscle=I_b + glut4[..., _MUSCLE] / t.gain_muscle,
            adipose=I_b + glut4[..., _ADIPOSE] / t.gain_adipose,
            liver=I_b + akt[..., _LIVER] / t.gain_liver,
            lipogenic=I_b + (sig.akt_lipogenic - ref.akt_lipogenic) / t.gain_liver,
            ovary=I_b + akt[..., _OVARY] / t.gain_ovary,
            antilipolysis=I_b + akt[..., _ADIPOSE] / t.gain_lipolysis,
        )
        return dcells, actions, sig


def _probe(insulin, surface_receptors, p: Parameters, tissue: int):
    """Quasi-steady cascade of a tissue at insulin (pmol/L) for a given surface pool."""
    pr, ps = p.receptor, p.signalling
    _, f = _tissues(p)
    pick = lambda v: jnp.asarray(v)[..., tissue]  # noqa: E731
    b = pick(f.binding)
    x4_per_x2 = b * pr.k1 * insulin * pr.k3 / ((pr.k_minus1 + pr.k3) * pr.k_minus3 * pr.PTP)
    kappa = b * pr.k2 * insulin / pr.k_minus2
    ratio = x4_per_x2 * (1.0 + kappa)
    phos = surface_receptors * ratio / (1.0 + ratio + b * pr.k1 * insulin / (pr.k_minus1 + pr.k3))
    return signalling.cascade(phos, ps, pick(f.irs1), pick(f.akt)), pick(f.glut4)


def glut4_response(insulin, surface_receptors, p: Parameters, tissue: int = _MUSCLE):
    """Steady surface GLUT4 (%) of a tissue at insulin (pmol/L) for a given surface pool.

    The probe of an insulin-dose experiment lasting minutes: binding, phosphorylation and the
    cascade reach steady state while the surface pool (receptor units, e.g. after days of
    hyperinsulinemia) stays as it is, since trafficking takes hours. Phosphorylated receptors
    follow from binding (k1, and the second site k2) against dephosphorylation (k_-3 PTP).
    """
    casc, glut4_factor = _probe(insulin, surface_receptors, p, tissue)
    return signalling.glut4_steady(casc.effect, p.signalling, glut4_factor)[1]


def akt_response(insulin, surface_receptors, p: Parameters, tissue: int = _LIVER):
    """Steady active Akt of a tissue at insulin (pmol/L) for a given surface pool (as
    :func:`glut4_response`; the liver's signal to glucose output)."""
    return _probe(insulin, surface_receptors, p, tissue)[0].akt


def insulin_for_glut4(target, surface_receptors, p: Parameters, tissue: int = _MUSCLE):
    """Insulin (pmol/L) that brings surface GLUT4 to ``target`` (%) with this surface pool.

    NaN where the target is out of reach (above the response at 1 uM insulin).
    """

    low = glut4_response(1e-3, surface_receptors, p, tissue)
    high = glut4_response(1e6, surface_receptors, p, tissue)
    # the bisection needs a bracketed root: solve for the target clipped into reach, then
    # report NaN where it was not
    reach = jnp.clip(target, low, high)

    def residual(log_i, _):
        return glut4_response(jnp.exp(log_i), surface_receptors, p, tissue) - reach

    sol = optx.root_find(
        residual,
        optx.Bisection(rtol=1e-10, atol=1e-10, flip="detect"),
        jnp.log(100.0),
        options={"lower": jnp.log(1e-3), "upper": jnp.log(1e6)},
        throw=False,
    )
    return jnp.where(target <= high, jnp.exp(sol.value), jnp.nan)

"""Published models as single readable files, used as test oracles (not by the library)."""

from insulinsim.model.reference import dallaman2007

__all__ = ["dallaman2007"]

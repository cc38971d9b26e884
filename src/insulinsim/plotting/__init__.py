"""Static figures (front-end layer)."""

from insulinsim.plotting._figures import (
    OKABE_ITO,
    ORGANS,
    plot_organ_table,
    plot_receptor_course,
    plot_result,
)

__all__ = ["OKABE_ITO", "ORGANS", "plot_organ_table", "plot_receptor_course", "plot_result"]

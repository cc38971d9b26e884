"""Analysis of results (layer 6): clinical indices, with their formulas and sources."""

from insulinsim.analysis._indices import (
    AdaCategory,
    ada_category,
    auc,
    homa1_beta,
    homa1_ir,
    index_constant,
    insulinogenic_index,
    m_value,
    matsuda,
    ogtt_indices,
    oral_disposition_index,
    quicki,
    tg_hdl_ratio,
    tyg,
)
from insulinsim.analysis._organs import ORGAN_ROWS, organ_table, receptor_course

__all__ = [
    "ORGAN_ROWS",
    "AdaCategory",
    "ada_category",
    "auc",
    "homa1_beta",
    "homa1_ir",
    "index_constant",
    "insulinogenic_index",
    "m_value",
    "matsuda",
    "ogtt_indices",
    "oral_disposition_index",
    "organ_table",
    "quicki",
    "receptor_course",
    "tg_hdl_ratio",
    "tyg",
]

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

__all__ = [
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
    "quicki",
    "tg_hdl_ratio",
    "tyg",
]

"""Virtual cohorts and trials run in chunks, streamed to Parquet, on Dask (front-end layer)."""

__all__: list[str] = []

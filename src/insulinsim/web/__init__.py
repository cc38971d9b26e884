"""The offline web explorer: a FastAPI app serving a static page with Plotly (front end)."""

__all__: list[str] = []

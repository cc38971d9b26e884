"""The offline web explorer: a FastAPI app serving a static page with Plotly (front end).

``create_app()`` builds the app; ``insulinsim serve`` runs it on the loopback interface.
"""

from insulinsim.web._app import create_app, plotly_js_path

__all__ = ["create_app", "plotly_js_path"]

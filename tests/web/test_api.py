"""The explorer's JSON API: bounds with clear 4xx messages, the page served offline, and the
results the page draws (OGTT/day curves, organ table, receptors, years, assessment)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from importlib import resources

import numpy as np
import pytest
from typer.testing import CliRunner

from insulinsim.web import plotly_js_path
from insulinsim.web._api import BOUNDS, MAX_BODY_BYTES
from insulinsim.web._app import DOCS_ASSETS

STATIC = resources.files("insulinsim.web") / "static"


def _message(r) -> str:
    return r.json()["detail"]["message"]


# ------------------------------------------------------------------ the page, offline


def test_page_and_assets_are_served_without_internet(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200
    assert len(js.content) == plotly_js_path().stat().st_size > 1_000_000
    for name in ("explorer.js", "explorer.css"):
        assert client.get(f"/static/{name}").status_code == 200
    # nothing is fetched from elsewhere: no absolute URLs in what the page loads
    for name in ("index.html", "explorer.js", "explorer.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", text), name
        assert "cdn" not in text.lower(), name


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_are_served_without_internet(client, path):
    """/docs and /redoc load their files from this server (fastapi-offline), not a CDN."""
    docs = client.get(path)
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    urls = re.findall(r"(?:src|href|url)\s*[:=]\s*['\"]([^'\"]+)['\"]", docs.text)
    assert urls, docs.text
    assert not [u for u in urls if re.match(r"(https?:)?//", u)], urls
    assets = [u for u in urls if u.startswith(DOCS_ASSETS)]
    assert assets, urls
    for asset in assets:
        r = client.get(asset)
        assert r.status_code == 200 and len(r.content) > 500, asset
    assert client.get("/favicon.ico").status_code == 204


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a.get("id"))
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])


def test_every_static_control_has_a_label():
    p = _Controls()
    p.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    assert p.controls and None not in p.controls
    assert set(p.controls) <= p.labels, set(p.controls) - p.labels


def test_palette_is_okabe_ito():
    from insulinsim.plotting import OKABE_ITO

    js = (STATIC / "explorer.js").read_text(encoding="utf-8")
    assert json.dumps(OKABE_ITO).replace(" ", "") in js.replace(" ", "")


# ------------------------------------------------------------------ bounds and clear errors


def test_meta_lists_presets_factors_interventions_and_bounds(client):
    m = client.get("/api/meta").json()
    assert "healthy" in m["presets"] and "t2d" in m["presets"]
    names = {r["name"] for r in m["risks"]}
    assert {"energy_intake_excess", "daily_steps", "sleep_duration", "family_history"} <= names
    assert {i["name"] for i in m["interventions"]} >= {"metformin", "exercise_training"}
    assert m["bounds"]["years"] == {"min": 1.0, "max": 40.0, "unit": "years"}


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("years", {"age": 40, "years": 90}, ("years", "90", "[1, 40] years")),
        ("years", {"age": 10, "years": 5}, ("age", "10", "[18, 80] years")),
        ("years", {"age": 40, "years": 5, "step_days": 7}, ("step_days", "7")),
        (
            "years",
            {"age": 40, "years": 5, "risks": {"daily_steps": 100}},
            ("risks.daily_steps", "100", "[500, 30000] steps/day"),
        ),
        ("years", {"age": 40, "years": 5, "risks": {"coffee": 1}}, ("coffee", "allowed")),
        (
            "years",
            {
                "age": 40,
                "years": 5,
                "interventions": [
                    {"name": "metformin", "start_age": 60, "adherence": 1, "level": 1}
                ],
            },
            ("interventions.0.start_age", "60", "[40, 45] years"),
        ),
        (
            "years",
            {
                "age": 40,
                "years": 5,
                "interventions": [
                    {"name": "metformin", "start_age": 41, "adherence": 1, "level": 9}
                ],
            },
            ("interventions.0.level", "9", "[0, 1.5]"),
        ),
        (
            "years",
            {
                "age": 40,
                "years": 5,
                "sex": "female",
                "interventions": [
                    {"name": "testosterone_therapy", "start_age": 41, "adherence": 1, "level": 1}
                ],
            },
            ("testosterone_therapy", "male"),
        ),
        (
            "years",
            {"age": 40, "years": 5, "sex": "male", "risks": {"pcos": 1}},
            ("risks.pcos", "female", "male"),
        ),
        ("person", {"age": 40, "at_age": 90}, ("at_age", "90", "[40, 80]")),
        ("person", {"age": 40, "at_age": 30}, ("at_age", "30", "[40, 80]")),
        ("person", {"age": 40, "at_age": 50, "protocol": "clamp"}, ("protocol", "clamp")),
        ("day", {"people": [{"preset": "healthy"}] * 5}, ("people", "at most 4")),
        ("day", {"people": []}, ("people", "at least 1")),
        ("day", {"people": [{"preset": "alien"}]}, ("people.0.preset", "alien")),
        ("receptors", {"insulin_mu_m2_min": 5000}, ("insulin_mu_m2_min", "5000", "[10, 400]")),
        ("assess", {"glucose": "5.6 bananas"}, ("glucose", "bananas", "mmol/L")),
        ("assess", {}, ("lab results",)),
        ("assess", {"glucose": "5.6 mmol/L", "file": "/etc/passwd"}, ("file", "not permitted")),
    ],
)
def test_out_of_bounds_requests_get_a_4xx_naming_field_value_and_range(client, path, body, words):
    r = client.post(f"/api/{path}", json=body)
    assert r.status_code == 422, r.text
    msg = _message(r)
    for w in words:
        assert w in msg, (w, msg)


def test_request_size_is_bounded(client):
    big = json.dumps({"glucose": "x" * (MAX_BODY_BYTES + 10)})
    r = client.post("/api/assess", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert f"[0, {MAX_BODY_BYTES}] bytes" in _message(r)


def test_no_endpoint_takes_a_path_and_every_bound_is_in_the_schema(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/meta", "/api/day", "/api/receptors", "/api/years", "/api/person", "/api/assess"
    }  # fmt: skip
    text = json.dumps(schema["components"]).lower()
    assert "path" not in text and "file" not in text
    years = schema["components"]["schemas"]["YearsRequest"]["properties"]["years"]
    assert (years["minimum"], years["maximum"]) == BOUNDS["years"][:2]
    at_age = schema["components"]["schemas"]["PersonRequest"]["properties"]["at_age"]
    assert (at_age["minimum"], at_age["maximum"]) == BOUNDS["at_age"][:2]


# ------------------------------------------------------------------ results


def test_assessment_gives_indices_and_a_stage(client):
    r = client.post(
        "/api/assess",
        json={"glucose": "6.4 mmol/L", "insulin": "18 uU/mL", "hba1c": "6.0 %", "model": False},
    )
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["stage"]["stage"] in (1, 2) and a["explanation"]
    assert {i["name"] for i in a["indices"]} >= {"homa1_ir"}
    assert "not medical advice" in a["notice"].lower() or a["notice"]


def test_ogtt_and_day_curves_and_organ_table(client, warm):
    r = client.post(
        "/api/day",
        json={
            "people": [{"preset": "healthy"}, {"preset": "insulin_resistant"}],
            "protocol": "ogtt",
        },
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert [p["name"] for p in d["people"]] == ["healthy (male)", "insulin_resistant (male)"]
    h, ir = d["people"]
    assert d["time_min"][-1] == 180.0
    for key in ("glucose", "insulin", "glucagon", "ffa", "receptors_muscle", "glut4_muscle"):
        assert len(h[key]) == len(d["time_min"]) and None not in h[key]
    assert set(h["uptake"]) >= {"muscle", "brain", "liver (production)"}
    assert max(ir["insulin"]) > max(h["insulin"])  # compensatory hyperinsulinemia
    muscle = next(row for row in d["organ_table"] if row["organ"] == "muscle glucose uptake")
    assert len(muscle["values"]) == 2


def test_receptor_experiment_downregulates_surface_receptors(client, warm):
    r = client.post(
        "/api/receptors", json={"preset": "insulin_resistant", "insulin_mu_m2_min": 100}
    )
    assert r.status_code == 200, r.text
    h = r.json()
    rec = np.array(h["surface_receptors_percent"], float)
    t = np.array(h["time_h"], float)
    assert rec[0] == pytest.approx(100.0)
    assert rec[t <= 72].min() < 95.0  # receptors fall over days of hyperinsulinemia


def test_years_with_an_intervention_shows_difference_and_evidence(client, warm):
    body = {
        "preset": "healthy", "sex": "male", "age": 40, "years": 20,
        "risks": {"energy_intake_excess": 400, "daily_steps": 4000},
        "interventions": [
            {"name": "exercise_training", "start_age": 45, "adherence": 0.8, "level": 1}
        ],
    }  # fmt: skip
    r = client.post("/api/years", json=body)
    assert r.status_code == 200, r.text
    y = r.json()
    base = y["baseline"]
    assert base["time_years"][-1] <= 20.0 + 1e-9 and base["time_years"][-1] > 19.0
    assert [t["stage"] for t in base["transitions"]] == [1, 2, 3, 4]
    assert base["series"]["age"]["values"][0] == pytest.approx(40.0)
    assert set(base["series"]["stage"]["values"]) <= {0, 1, 2, 3, 4}
    # exercise lowers the 2-h glucose at the end
    assert y["difference"]["glucose_2h"][-1] < 0.0
    levels = {e["evidence"] for e in y["evidence"] if e["factor"] == "exercise_training"}
    assert levels and levels <= {"trial", "observational", "experimental", "mechanistic", "claim"}


PERSON = {
    "preset": "healthy", "sex": "male", "age": 40, "step_days": 90,
    "risks": {"energy_intake_excess": 600, "daily_steps": 3000},
}  # fmt: skip


def test_the_person_at_an_age_is_the_years_run_at_that_age(client, warm):
    """The sliders' person: the OGTT shown at an age is the OGTT the years view staged there."""
    r = client.post("/api/person", json={**PERSON, "at_age": 60, "protocol": "ogtt"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["insulin_action"].startswith("phenomenological")
    at = d["at_age"]
    assert abs(at["shown"] - 60.0) <= 90 / 365.25
    y = client.post("/api/years", json={**PERSON, "years": 30}).json()["baseline"]
    k = int(np.argmin(np.abs(np.array(y["series"]["age"]["values"]) - at["shown"])))
    t = d["time_min"]
    you = d["people"][1]
    for minute, var in ((0.0, "fasting_glucose"), (120.0, "glucose_2h")):
        assert you["glucose"][t.index(minute)] == pytest.approx(
            y["series"][var]["values"][k], abs=0.1
        ), var
    assert at["values"]["weight"]["value"] == pytest.approx(y["series"]["weight"]["values"][k])
    # twenty years of 600 kcal/day more: heavier than at the start
    assert at["values"]["weight"]["value"] > y["series"]["weight"]["values"][0] + 5.0
    dr = d["dose_response"]
    n = len(dr["insulin_pmol_l"])
    for key in ("glut4_healthy", "glut4_person", "insulin_needed_pmol_l"):
        assert len(dr[key]) == n, key


def test_risk_factors_change_the_person_shown(client, warm):
    """Moving a slider moves the day view: the same age with and without the risk factors."""
    base = {**PERSON, "risks": {}, "at_age": 60, "protocol": "day"}
    plain = client.post("/api/person", json=base).json()
    risky = client.post("/api/person", json={**PERSON, "at_age": 60, "protocol": "day"}).json()
    w0 = plain["at_age"]["values"]["weight"]["value"]
    w1 = risky["at_age"]["values"]["weight"]["value"]
    assert w1 > w0 + 5.0
    ins0, ins1 = np.mean(plain["people"][1]["insulin"]), np.mean(risky["people"][1]["insulin"])
    assert ins1 > ins0  # heavier and less active: more insulin over the day
    rows = {r["organ"]: r["values"] for r in risky["organ_table"]}
    assert len(rows["muscle glucose uptake"]) == 2


# ------------------------------------------------------------------ the CLI


def test_serve_refuses_a_bad_port():
    from insulinsim.cli import app

    r = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert r.exit_code == 2
    assert "--port" in r.output and "70000" in r.output


def test_report_is_self_contained_html(tmp_path, warm):
    from insulinsim.cli import app

    out = tmp_path / "report.html"
    r = CliRunner().invoke(
        app,
        [
            "report",
            "--person",
            "insulin_resistant",
            "--years",
            "40",
            "--step-days",
            "90",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
    assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", page)
    assert "Age at each stage" in page and "evidence" in page


def test_report_refuses_a_non_html_file(tmp_path):
    from insulinsim.cli import app

    r = CliRunner().invoke(app, ["report", "--person", "healthy", "--out", str(tmp_path / "r.pdf")])
    assert r.exit_code == 2 and "--out" in r.output
    assert not (tmp_path / "r.pdf").exists()

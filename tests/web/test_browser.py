"""The explorer in a real browser: Debian's chromium driven by Playwright (never downloaded).

Loads the page, moves a risk slider and waits for the years curves and the day view (the
person at the age shown) to change, moves the age shown, switches an intervention on, submits
the assessment form and checks the labels and the keyboard; a screenshot of each step is
saved to tmp_path.
"""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"
)

TIMEOUT_MS = 45_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    external = []

    def guard(route):
        external.append(route.request.url)
        route.abort()

    # the page must work offline: any request outside the test server fails the test
    pg.route(lambda url: not url.startswith(live_server), guard)
    pg.goto(live_server + "/")
    pg.wait_for_function(
        "document.body.dataset.dayRuns >= 1 && document.body.dataset.yearsRuns >= 1"
        " && (document.body.dataset.hyperRuns || 0) >= 1",
        timeout=TIMEOUT_MS,
    )
    yield pg
    assert not [u for u in external if not u.startswith(("blob:", "data:"))], external
    ctx.close()


def _years_curve(pg, fig="fig-y-glucose", trace=0):
    return pg.evaluate(f"document.getElementById('{fig}').data[{trace}].y.slice()")


def test_page_loads_with_all_figures(page, tmp_path):
    for fig in ("fig-glucose", "fig-insulin", "fig-glucagon", "fig-ffa", "fig-organs",
                "fig-dose", "fig-y-glucose", "fig-y-cells"):  # fmt: skip
        assert page.evaluate(f"document.getElementById('{fig}').data.length") > 0, fig
    assert page.locator("#organ-table table tbody tr").count() >= 8
    assert page.locator("#transitions table tbody tr").count() == 4
    # every figure has Plotly's PNG button, every data set a CSV link
    assert page.locator("#fig-glucose .modebar-btn[data-title='Download plot as a PNG']").count()
    href = page.get_attribute("#csv-day", "href")
    assert href and href.startswith("blob:")
    page.screenshot(path=tmp_path / "01_loaded.png", full_page=True)


def _settled(pg):
    pg.wait_for_timeout(500)  # a request sent mid-way through the key presses may follow
    pg.wait_for_function(
        "!/Simulating/.test(document.getElementById('years-status').textContent)"
        " && !/Simulating/.test(document.getElementById('status').textContent)",
        timeout=TIMEOUT_MS,
    )


def test_moving_a_slider_changes_the_years_curves_and_the_day(page, tmp_path):
    before_weight = _years_curve(page, "fig-y-body")
    before_insulin = _years_curve(page, "fig-insulin", 1)  # this person's OGTT insulin
    runs = int(page.evaluate("document.body.dataset.yearsRuns"))
    day_runs = int(page.evaluate("document.body.dataset.dayRuns"))
    slider = page.locator("#risk-energy_intake_excess")
    slider.focus()
    for _ in range(40):  # keyboard: 40 steps of 10 kcal/day
        slider.press("ArrowRight")
    assert page.input_value("#risk-energy_intake_excess") == "400"
    assert page.text_content("#risk-energy_intake_excess-out") == "400"
    page.wait_for_function(f"document.body.dataset.yearsRuns > {runs}", timeout=TIMEOUT_MS)
    page.wait_for_function(f"document.body.dataset.dayRuns > {day_runs}", timeout=TIMEOUT_MS)
    _settled(page)
    after = _years_curve(page, "fig-y-body")  # weight (kg)
    assert after[-1] > before_weight[-1]  # more food: more weight at the end
    # the OGTT of the person at the age shown changed with the slider too
    assert _years_curve(page, "fig-insulin", 1) != before_insulin
    assert "years" in page.text_content("#at-age-summary")
    page.locator("#years-heading").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "02_slider_moved.png", full_page=True)


def test_moving_the_age_shown_changes_the_test(page, tmp_path):
    before = _years_curve(page, "fig-glucose", 1)
    runs = int(page.evaluate("document.body.dataset.dayRuns"))
    age = page.locator("#at-age")
    age.focus()
    for _ in range(20):
        age.press("ArrowLeft")
    assert page.text_content("#at-age-out") == page.input_value("#at-age")
    page.wait_for_function(f"document.body.dataset.dayRuns > {runs}", timeout=TIMEOUT_MS)
    _settled(page)
    assert _years_curve(page, "fig-glucose", 1) != before
    assert page.evaluate("document.getElementById('fig-dose').data.length") == 3
    page.locator("#day-heading").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "03b_age_shown_moved.png", full_page=True)


def test_switching_an_intervention_on_shows_the_difference_and_evidence(page, tmp_path):
    runs = int(page.evaluate("document.body.dataset.yearsRuns"))
    page.check("#iv-metformin")
    page.wait_for_function(f"document.body.dataset.yearsRuns > {runs}", timeout=TIMEOUT_MS)
    # with interventions: a dashed twin of each curve, the difference and the evidence
    dashed = page.evaluate(
        "document.getElementById('fig-y-glucose').data"
        ".filter(t => t.line && t.line.dash === 'dash').length"
    )
    assert dashed >= 1
    assert page.locator("#iv-diff table tbody tr").count() >= 3
    ev = page.locator("#evidence").inner_text()
    assert "metformin" in ev and any(w in ev for w in ("trial", "observational", "mechanistic"))
    page.locator("#iv-heading").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "03_intervention.png", full_page=False)


def test_assessment_form(page, tmp_path):
    runs = int(page.evaluate("document.body.dataset.assessRuns || 0"))
    page.fill("#lab-glucose", "6.3 mmol/L")
    page.fill("#lab-insulin", "16 uU/mL")
    page.fill("#lab-hba1c", "6.0 %")
    page.click("#assess-submit")
    page.wait_for_function(f"(document.body.dataset.assessRuns || 0) > {runs}", timeout=TIMEOUT_MS)
    text = page.inner_text("#assess-result")
    assert "stage" in text.lower() and "HOMA" in text
    page.locator("#assess-heading").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "04_assessment.png", full_page=False)
    # a bad unit gets the server's message on the page
    page.fill("#lab-glucose", "6.3 bananas")
    page.click("#assess-submit")
    page.wait_for_function(
        f"(document.body.dataset.assessRuns || 0) > {runs + 1}", timeout=TIMEOUT_MS
    )
    assert "bananas" in page.inner_text("#assess-result .error")


def test_every_control_is_labelled_and_keyboard_reachable(page, tmp_path):
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea, button')]
             .filter(el => el.type !== 'hidden' && el.tagName !== 'BUTTON')
             .filter(el => !el.labels || el.labels.length === 0).map(el => el.id)"""
    )
    assert unlabelled == []
    # tab from the top reaches the preset selector and changes it with the keyboard
    page.locator("#preset").focus()
    runs = int(page.evaluate("document.body.dataset.dayRuns"))
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"document.body.dataset.dayRuns > {runs}", timeout=TIMEOUT_MS)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sex"
    # the receptor experiment runs from the keyboard
    runs = int(page.evaluate("document.body.dataset.hyperRuns || 0"))
    page.locator("#run-hyper").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"(document.body.dataset.hyperRuns || 0) > {runs}", timeout=TIMEOUT_MS)
    assert page.evaluate("document.getElementById('fig-rec-hyper').data.length") == 3
    page.locator("#rec-heading").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "05_keyboard_receptors.png", full_page=False)


def test_a_women_only_factor_switches_sex(page, tmp_path):
    assert page.input_value("#sex") == "male"
    runs = int(page.evaluate("document.body.dataset.yearsRuns"))
    page.check("#risk-pcos")
    assert page.input_value("#sex") == "female"
    page.wait_for_function(f"document.body.dataset.yearsRuns > {runs}", timeout=TIMEOUT_MS)
    _settled(page)
    assert "Error" not in page.text_content("#years-status")
    # back to male: the women-only factor is switched off
    page.select_option("#sex", "male")
    assert not page.is_checked("#risk-pcos")


def test_the_api_docs_render_offline(browser, live_server, tmp_path):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    external = []
    pg.route(
        lambda url: not url.startswith(live_server),
        lambda r: (external.append(r.request.url), r.abort()),
    )
    pg.goto(live_server + "/docs")
    pg.wait_for_selector(".swagger-ui .opblock", timeout=TIMEOUT_MS)
    assert "insulinsim explorer" in pg.inner_text(".swagger-ui .info")
    assert pg.locator(".swagger-ui .opblock").count() >= 6
    pg.screenshot(path=tmp_path / "06_api_docs.png", full_page=False)
    ctx.close()
    assert not [u for u in external if not u.startswith(("blob:", "data:"))], external

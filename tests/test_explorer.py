"""The backpropagation explorer of the four-equations chapter, driven in Chromium, against bp.

The build writes reference cases computed by ``bp`` into the page (a hidden cell of
book/equations.md: parameters, every z, a, δ, partial derivative and centred difference, and
the parameters after one step of ``bp.train``). Here headless Chromium (the fixtures of
tests/test_browser.py, with every other host unreachable) opens the page and

* types each case into the explorer's number fields and compares every value the explorer
  shows (its full value is in ``data-value``; the text shows four significant digits) with
  bp's: within 1e-9 relative for the forward and backward pass, within 1e-9 absolute for the
  centred differences (two computations of a difference quotient, each with rounding error of
  order 1e-16 / 1e-5);
* takes a gradient step and compares the new weights and biases with bp's SGD step;
* moves a weight's slider with the keyboard and sees every value follow;
* steps through the forward and the backward pass and checks what each step shows and which
  of BP1-BP4 it highlights;
* shows the centred differences with the check box;
* with JavaScript off, finds the explorer hidden and the note and the figure in its place;
* checks that the page logs nothing to the console, that the explorer fits 390 px and that
  the text of its drawing is at least 11 CSS px at 1280 and at 390 px;
* saves screenshots of the explorer at 1280 and 390 px, light and dark, to
  ``_build/screenshots/explorer/`` (under ``$BP_SCREENSHOTS`` when set).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_browser import (  # noqa: F401  (browser and site are fixtures)
    REQUIRE_BROWSER_ENV,
    SCREENSHOTS_ENV,
    _new_context,
    _no_browser,
    browser,
    site,
)

from book_build import ROOT

pytest_plugins = ["book_build"]
pytestmark = pytest.mark.book

PAGE = "book/equations.html"
REL = 1e-9  # bp against the explorer, same formulas in another language
FD_ABS = 1e-9  # two centred differences of the same cost
# What each step of the walk shows (data-stage <= step) and which equations it highlights.
STEP_EQUATIONS = {
    1: {"fwd"},
    2: {"fwd"},
    3: {"BP1"},
    4: {"BP3", "BP4"},
    5: {"BP2"},
    6: {"BP3", "BP4"},
}
WIDTHS = {"desktop": 1280, "phone": 390}


def _close(value: float, ref: float, key: str) -> bool:
    if key.startswith("fd_"):
        return abs(value - ref) <= FD_ABS
    return abs(value - ref) <= REL * abs(ref) or value == ref


def _parse_shown(text: str) -> float:
    """The explorer's text for a number ('−1.234 × 10⁻⁵') as a float."""
    sup = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    text = text.replace("−", "-")
    if " × 10" in text:
        mantissa, power = text.split(" × 10")
        return float(mantissa) * 10.0 ** int(power.translate(sup))
    return float(text)


def _record(page: Any, messages: list[str]) -> None:
    """Record every uncaught exception, console error or warning, and anything explorer.js logs.

    (The theme's own scripts log a line or two of information on every page.)
    """

    def on_console(msg: Any) -> None:
        if msg.type in ("error", "warning") or "explorer" in msg.location.get("url", ""):
            messages.append(f"console {msg.type}: {msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: messages.append(f"uncaught exception: {exc}"))


def _open(context: Any, site: str, messages: list[str]) -> Any:  # noqa: F811
    """The chapter's page, recording what goes to the console (see _record)."""
    page = context.new_page()
    _record(page, messages)
    page.goto(f"{site}{PAGE}", wait_until="load")
    return page


@pytest.fixture(scope="module")
def explorer(browser: Any, site: str) -> Iterator[tuple[Any, list[str]]]:  # noqa: F811
    context = _new_context(browser, site, "light")
    messages: list[str] = []
    page = _open(context, site, messages)
    page.wait_for_selector("#bp-explorer:not([hidden])")
    try:
        yield page, messages
    finally:
        context.close()


def _cases(page: Any) -> list[dict[str, Any]]:
    return json.loads(page.eval_on_selector("#explorer-cases", "e => e.textContent"))


def _shown(page: Any) -> dict[str, list[tuple[float, str, bool]]]:
    """Every quantity the explorer shows: (data-value, text, pending) per element."""
    items = page.eval_on_selector_all(
        "#bp-explorer [data-q]",
        "els => els.map(e => [e.dataset.q, e.dataset.value, e.textContent, "
        "e.classList.contains('bpx-pending'), e.dataset.stage])",
    )
    out: dict[str, list[tuple[float, str, bool]]] = {}
    for q, value, text, pending, _stage in items:
        out.setdefault(q, []).append((float(value), text, pending))
    return out


def _set_case(page: Any, case: dict[str, Any]) -> None:
    for key, value in case["params"].items():
        page.fill(f"#bpx-in-{key}", repr(value))


def _check_values(page: Any, case: dict[str, Any], where: str) -> list[str]:
    problems = []
    shown = _shown(page)
    for key, ref in case["values"].items():
        if key not in shown:
            problems.append(f"{where}: {key} is not shown")
            continue
        for value, text, pending in shown[key]:
            if not _close(value, ref, key):
                problems.append(f"{where}: {key} = {value!r}, bp: {ref!r}")
            if pending:
                problems.append(f"{where}: {key} is not shown (pending)")
            elif not math.isclose(_parse_shown(text), ref, rel_tol=6e-4, abs_tol=1e-12):
                problems.append(f"{where}: {key} reads {text!r}, bp: {ref!r}")
    return problems


def test_explorer_shows_bps_values_and_takes_bps_sgd_step(explorer: tuple[Any, list[str]]) -> None:
    page, messages = explorer
    cases = _cases(page)
    assert len(cases) >= 3, "the page should carry at least three reference cases"
    problems = []
    for i, case in enumerate(cases):
        _set_case(page, case)
        problems += _check_values(page, case, f"case {i}")
        page.fill("#bpx-eta", repr(case["eta"]))
        page.click("[data-action=sgd]")
        for key, ref in case["updated"].items():
            value = float(page.input_value(f"#bpx-in-{key}"))
            if not _close(value, ref, key):
                problems.append(f"case {i} after a step: {key} = {value!r}, bp: {ref!r}")
        history = json.loads(page.get_attribute("[data-role=costlog]", "data-history"))
        if (
            len(history) != 2
            or not _close(history[0], case["values"]["C"], "C")
            or not _close(history[1], case["cost_after"], "C")
        ):
            problems.append(
                f"case {i}: cost history {history}, bp: {case['values']['C']} → "
                f"{case['cost_after']}"
            )
        if "fell" not in page.inner_text("[data-role=costlog]"):
            problems.append(f"case {i}: the cost log does not say that the cost fell")
    assert not problems, "\n".join(problems[:30])
    assert not messages, messages


def test_slider_moves_with_the_keyboard_and_values_follow(explorer: tuple[Any, list[str]]) -> None:
    page, messages = explorer
    page.click("[data-action=reset]")
    before = _shown(page)["g_w2_11"][0][0]
    w = float(page.input_value("#bpx-in-w2_11"))
    slider = page.locator("[data-param=w2_11] input[type=range]")
    assert slider.get_attribute("aria-label"), "the slider has no label for screen readers"
    slider.focus()
    page.keyboard.press("ArrowRight")
    moved = float(page.input_value("#bpx-in-w2_11"))
    assert moved == pytest.approx(w + 0.01), (w, moved)
    assert _shown(page)["g_w2_11"][0][0] != before
    assert page.locator("label[for=bpx-in-w2_11]").count() == 1
    page.click("[data-action=reset]")
    assert not messages, messages


def test_steps_walk_forward_then_backward_with_bp1_to_bp4(explorer: tuple[Any, list[str]]) -> None:
    page, messages = explorer
    page.click("[data-action=reset]")
    page.click("[data-action=all]")
    problems = []
    for step in range(1, 7):
        page.click("[data-action=step]")
        items = page.eval_on_selector_all(
            "#bp-explorer [data-q]",
            "els => els.map(e => [e.dataset.q, +e.dataset.stage,"
            " e.classList.contains('bpx-pending')])",
        )
        for q, stage, pending in items:
            if pending != (stage > step):
                problems.append(f"step {step}: {q} (computed at step {stage}) pending={pending}")
        current = set(
            page.eval_on_selector_all(
                "#bp-explorer [data-eq].bpx-current", "els => els.map(e => e.dataset.eq)"
            )
        )
        if current != STEP_EQUATIONS[step]:
            problems.append(f"step {step}: highlights {current}, expected {STEP_EQUATIONS[step]}")
        status = page.inner_text("[data-role=status]")
        if f"Step {step} of 6" not in status:
            problems.append(f"step {step}: status reads {status!r}")
    page.click("[data-action=step]")  # past the last step: everything again
    assert page.locator("#bp-explorer .bpx-pending").count() == 0
    assert not problems, "\n".join(problems)
    case = _cases(page)[0]
    assert not _check_values(page, case, "after the walk")
    assert not messages, messages


def test_centred_differences_toggle(explorer: tuple[Any, list[str]]) -> None:
    page, messages = explorer
    page.click("[data-action=reset]")
    fd = page.locator(".bpx-controls .bpx-fd").first
    assert not fd.is_visible()
    page.check("#bpx-fd")
    assert fd.is_visible()
    assert page.locator(".bpx-controls .bpx-fd").count() == 9
    page.uncheck("#bpx-fd")
    assert not messages, messages


def test_without_javascript_the_figure_and_a_note_stand(browser: Any, site: str) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False, base_url=site)
    try:
        page = context.new_page()
        page.goto(f"{site}{PAGE}", wait_until="load")
        assert not page.locator("#bp-explorer").is_visible()
        assert page.locator(".bpx-fallback").is_visible()
        assert "JavaScript" in page.inner_text(".bpx-fallback")
        assert page.locator("#fig-eq-backward img").is_visible()
    finally:
        context.close()


def _screenshots_dir() -> Path:
    base = Path(os.environ.get(SCREENSHOTS_ENV) or ROOT / "_build" / "screenshots")
    folder = base / "explorer"  # test_browser.py empties the folder above
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


# The network drawing's text, as shown (its font size scaled with the drawing): legible on a
# phone too, where explorer.js's tall layout replaces the wide one.
MIN_GRAPH_TEXT_PX = 11
_SMALLEST_GRAPH_TEXT = """() => Array.from(document.querySelectorAll('#bp-explorer svg.bpx-graph'))
  .filter((svg) => svg.getClientRects().length)
  .map((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = Array.from(svg.querySelectorAll('text'))
      .filter((t) => t.getClientRects().length)
      .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return Math.round(Math.min(...sizes) * 10) / 10;
  })"""


def test_screenshots_at_1280_and_390_light_and_dark(browser: Any, site: str) -> None:  # noqa: F811
    folder = _screenshots_dir()
    problems = []
    for scheme in ("light", "dark"):
        for name, width in WIDTHS.items():
            context = _new_context(browser, site, scheme)
            messages: list[str] = []
            try:
                page = context.new_page()
                # Tall enough for the whole explorer: no sticky header over the screenshot.
                page.set_viewport_size({"width": width, "height": 2400})
                _record(page, messages)
                page.goto(f"{site}{PAGE}", wait_until="load")
                page.wait_for_selector("#bp-explorer:not([hidden])")
                page.check("#bpx-fd")
                fits = page.evaluate(
                    "() => { const e = document.getElementById('bp-explorer');"
                    " return [e.scrollWidth, e.clientWidth,"
                    " document.documentElement.scrollWidth,"
                    " document.documentElement.clientWidth]; }"
                )
                if fits[0] > fits[1] + 1 or fits[2] > fits[3] + 1:
                    problems.append(f"{scheme} {width}px: too wide {fits}")
                smallest = page.evaluate(_SMALLEST_GRAPH_TEXT)
                if not smallest or min(smallest) < MIN_GRAPH_TEXT_PX:
                    problems.append(
                        f"{scheme} {width}px: text in the drawing as small as "
                        f"{smallest} CSS px (at least {MIN_GRAPH_TEXT_PX})"
                    )
                shot = folder / f"explorer-{name}-{scheme}.png"
                page.locator("#bp-explorer").screenshot(path=str(shot))
                for _ in range(3):  # the walk at BP1
                    page.click("[data-action=step]")
                page.locator("#bp-explorer").screenshot(path=str(shot.with_suffix(".bp1.png")))
                problems += [f"{scheme} {width}px: {m}" for m in messages]
            finally:
                context.close()
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# The script passes ESLint (pinned in book/_ext/explorer, installed into .venv/eslint by
# `make test`)
# --------------------------------------------------------------------------------------------

ESLINT_DIR = ROOT / ".venv" / "eslint"
SCRIPT = ROOT / "book" / "_ext" / "static" / "explorer.js"


def test_explorer_script_passes_eslint() -> None:
    eslint = ESLINT_DIR / "node_modules" / ".bin" / "eslint"
    if not eslint.exists():
        why = f"ESLint is not installed in {ESLINT_DIR} (make test installs it with npm)"
        if shutil.which("npm") and os.environ.get(REQUIRE_BROWSER_ENV, "") in ("", "0"):
            pytest.fail(why + "; run `make test`", pytrace=False)
        _no_browser(why)
    # The pinned configuration beside ESLint; the script on stdin, named as if it were there
    # (ESLint lints only files under its configuration's folder).
    shutil.copy(ROOT / "book" / "_ext" / "explorer" / "eslint.config.js", ESLINT_DIR)
    result = subprocess.run(
        [str(eslint), "--max-warnings", "0", "--stdin", "--stdin-filename", SCRIPT.name],
        input=SCRIPT.read_text(encoding="utf-8"),
        cwd=ESLINT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr

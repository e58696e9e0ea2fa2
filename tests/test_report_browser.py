"""The report opened in a real browser (Debian's headless Chromium): it renders, with charts.

The screenshot is kept in the checkout's output/ (gitignored) for CI to keep.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from campaign.config import load_settings
from campaign.report import write_report
from tests.factories import store_at
from tests.history import TODAY, copy_campaign
from tests.unavailable import unavailable

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "output"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _chromium_installed() -> None:
    # Skipped without Chromium; failed under CI=true, where .ci/run installs it.
    if CHROMIUM is None:
        unavailable("chromium is not installed (apt-get install chromium)")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,2000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("browser-campaign")
    copy_campaign(home)
    store = store_at(home)
    try:
        return write_report(store, load_settings(home, {}), TODAY)
    finally:
        store.close()


def test_the_report_renders_with_its_charts(page: Path, tmp_path: Path) -> None:
    result = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<h1>Where the campaign stands</h1>" in dom
    charts = re.findall(r'<img id="(chart-[a-z]+)" src="data:image/svg\+xml;base64,', dom)
    assert charts == ["chart-sends", "chart-calls", "chart-funnel", "chart-rates", "chart-load"]
    assert len(re.findall(r'<tr><td class="num">\d+</td>', dom)) == 40  # every prospect


def test_the_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    from PIL import Image

    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "report-browser.png"
    shot.unlink(missing_ok=True)
    result = _chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file()
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        grey = image.convert("L")
        # The first chart sits in the top third: its bars and lines are dark ink on white.
        top = grey.crop((0, 300, 1280, 900))
        dark = sum(top.histogram()[:128])
        assert dark > 5000, f"only {dark} dark pixels where the first chart should be"
        assert sum(1 for n in grey.histogram() if n) > 20  # text, greys, hatching: not blank


def test_the_report_prints_on_paper(page: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = SCREENSHOTS / "report-browser.pdf"
    pdf.unlink(missing_ok=True)
    result = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    reader = PdfReader(pdf)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert len(reader.pages) >= 3  # summary, five charts and 40 table rows
    assert "Where the campaign stands" in text
    assert "Every prospect" in text and "Company 40 Inc." in text

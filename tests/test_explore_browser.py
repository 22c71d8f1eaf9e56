"""Notebook 09 as a person uses it: JupyterLab serves a copy of it, headless Chromium
(driven by Playwright, pointed at the system's Chromium) runs every cell, picks a sentence
in the explorer, changes a control, and sees the count table and the highlighted sentence
change. The screenshot is kept in build/test-artefacts/ (git-ignored)."""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from openness import paths

ARTEFACTS = paths.ROOT / "build" / "test-artefacts"
NOTEBOOK = paths.NOTEBOOKS / "09-explore.ipynb"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
REQUIRED_BY = ("CI", "OPENNESS_REQUIRE_MIRROR", "OPENNESS_REQUIRE_CHROMIUM")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or next((p for p in ("/usr/bin/chromium",) if Path(p).is_file()), None)
    if found is None:
        required = [name for name in REQUIRED_BY if os.environ.get(name)]
        if required:
            pytest.fail(f"chromium is not installed but {', '.join(required)} is set (.ci/run installs it)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a free local port with a token, serving a copy of notebook 09;
    yields its base URL and token, and is stopped afterwards."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false"}')  # no question about news over the explorer
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", "--allow-root", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabApp.extension_manager=readonly", "--ServerApp.allow_remote_access=False"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start: {(tmp_path / 'jupyterlab.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_notebook_09_explorer_in_jupyterlab(chromium, jupyterlab):
    from playwright.sync_api import expect, sync_playwright

    base, token = jupyterlab
    sentences = len(pd.read_csv(paths.PROCESSED / "sentence_scores.csv", usecols=["doc_id"]))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1700})
            page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}")
            page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                                   timeout=60_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            explorers = page.locator(".openness-explorer")
            expect(explorers).to_have_count(2, timeout=60_000)
            examples, project = explorers.nth(0), explorers.nth(1)
            expect(project.locator(".openness-counts table")).to_contain_text(str(sentences), timeout=30_000)

            counts = examples.locator(".openness-counts")
            detail = examples.locator(".openness-detail")
            expect(detail).to_contain_text("Pick a sentence")
            before = counts.inner_text()
            examples.locator(".openness-list select").select_option(index=0)
            expect(detail.locator("mark").first).to_be_visible(timeout=20_000)
            listed = examples.locator(".openness-list select option").count()

            examples.locator(".openness-theme select").select_option(label="safety")
            expect(counts).not_to_have_text(before, timeout=20_000)
            assert "theme=safety" in counts.inner_text()
            expect(detail).to_contain_text("Pick a sentence", timeout=20_000)
            examples.locator(".openness-list select").select_option(index=0)
            expect(detail.locator('mark[title^="S"]').first).to_be_visible(timeout=20_000)
            assert 0 < examples.locator(".openness-list select option").count() < listed  # only safety sentences left

            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTEFACTS / "explore.png"
            shot.unlink(missing_ok=True)
            examples.scroll_into_view_if_needed()
            examples.screenshot(path=str(shot))
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
        finally:
            browser.close()

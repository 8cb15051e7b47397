"""Open an HTML file in headless Chromium and inspect it through the DevTools protocol over a pipe
(``--remote-debugging-pipe``: no websocket, no driver, no extra Python package). Used by the report
test: which charts rendered, console errors, network requests, and a full-page screenshot.

    python -m pytests.helpers.browser reports/plg_report.html --screenshot reports/plg_report.png
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
]

# Evaluated in the page: one entry per [data-chart] element (size, marks drawn, text).
INSPECT_JS = r"""
JSON.stringify(Array.from(document.querySelectorAll('[data-chart]')).map(el => {
  const r = el.getBoundingClientRect();
  const svgs = Array.from(el.querySelectorAll('svg'));
  const svgBoxes = svgs.map(s => { const b = s.getBoundingClientRect(); return [b.width, b.height]; });
  return {
    chart: el.getAttribute('data-chart'),
    kind: el.getAttribute('data-kind'),
    width: r.width, height: r.height,
    svgs: svgs.length,
    svg_sizes: svgBoxes,
    marks: el.querySelectorAll('svg .mark').length,
    immature: el.querySelectorAll('svg .mark.immature').length,
    cells: el.querySelectorAll('svg .mark.cell').length,
    incomplete: el.querySelectorAll('svg .mark.cell.incomplete').length,
    segments: el.querySelectorAll('svg .mark.seg').length,
    net_points: el.querySelectorAll('svg .mark.net').length,
    series: el.querySelectorAll('svg g.series').length,
    absent: el.querySelectorAll('.absent').length,
    tiles: Array.from(el.querySelectorAll('.tile')).map(t => ({
      col: t.getAttribute('data-col'), period: t.getAttribute('data-period'),
      mature: t.getAttribute('data-mature'), text: t.innerText })),
    overflow: Array.from(el.querySelectorAll('svg text')).filter(t => {
      const b = t.getBoundingClientRect(), s = t.ownerSVGElement.getBoundingClientRect();
      return b.width > 0
        && (b.left < s.left - 1 || b.right > s.right + 1 || b.top < s.top - 1 || b.bottom > s.bottom + 1);
    }).map(t => t.textContent).slice(0, 20),
    rows: el.querySelectorAll('tbody tr').length,
    text: (el.innerText || '').slice(0, 200),
  };
}))
"""


def find_chromium() -> str | None:
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


class Chromium:
    """A headless Chromium driven over --remote-debugging-pipe (fd 3: commands in, fd 4: messages out)."""

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.user_data_dir = tempfile.mkdtemp(prefix="plg-chromium-")
        to_chrome_r, self._to_chrome_w = os.pipe()
        self._from_chrome_r, from_chrome_w = os.pipe()

        # the protocol wants the pipe on fds 3 (commands in) and 4 (messages out): let bash place them
        # (dash only takes one-digit fds)
        cmd = [executable, *FLAGS, f"--user-data-dir={self.user_data_dir}", "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(
            ["/bin/bash", "-c", f'exec "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}', "chromium", *cmd],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self._from_chrome_r], [], [], remaining)
            if ready:
                chunk = os.read(self._from_chrome_r, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the pipe (exit {self.proc.poll()}): {self._stderr()}")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def _stderr(self) -> str:
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "(still running)"
        return self.proc.stderr.read().decode(errors="replace")[-2000:] if self.proc.stderr else ""

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self._to_chrome_w, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError as exc:
            raise RuntimeError(f"Chromium is gone (exit {self.proc.poll()}): {self._stderr()}") from exc
        deadline = time.time() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str | None = None) -> dict[str, Any]:
        for ev in self.events:
            if ev.get("method") == method and (session is None or ev.get("sessionId") == session):
                return ev
        deadline = time.time() + self.timeout
        while True:
            ev = self._read_message(deadline)
            self.events.append(ev)
            if ev.get("method") == method and (session is None or ev.get("sessionId") == session):
                return ev

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome_w)
        os.close(self._from_chrome_r)
        shutil.rmtree(self.user_data_dir, ignore_errors=True)


def inspect_page(
    html_path: Path,
    screenshot: Path | None = None,
    executable: str | None = None,
    width: int = 1280,
    part_height: int = 0,
) -> dict[str, Any]:
    """Load the page; return {charts, console_errors, requests, screenshot, parts}. ``part_height`` > 0:
    also save the page in slices of that height (<screenshot stem>_part<N>.png), easier to look at."""
    exe = executable or find_chromium()
    if not exe:
        raise FileNotFoundError("Chromium not found: apt-get install -y chromium")
    browser = Chromium(exe)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Page.navigate", {"url": Path(html_path).resolve().as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired", session)
        result = browser.send("Runtime.evaluate", {"expression": INSPECT_JS, "returnByValue": True}, session=session)
        charts = json.loads(result["result"]["value"])
        shot, parts = None, []
        if screenshot is not None:
            height = browser.send(
                "Runtime.evaluate",
                {
                    "expression": "Math.ceil(document.documentElement.scrollHeight)",
                    "returnByValue": True,
                },
                session=session,
            )["result"]["value"]
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": int(height), "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            png = browser.send(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session
            )["data"]
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(png))
            shot = screenshot.resolve()
            for i, top in enumerate(range(0, int(height), part_height) if part_height > 0 else []):
                clip = {"x": 0, "y": top, "width": width, "height": min(part_height, int(height) - top), "scale": 1}
                data = browser.send(
                    "Page.captureScreenshot",
                    {"format": "png", "clip": clip, "captureBeyondViewport": True},
                    session=session,
                )["data"]
                part = screenshot.with_name(f"{screenshot.stem}_part{i + 1}.png")
                part.write_bytes(base64.b64decode(data))
                parts.append(part.resolve())
        errors, requests = [], []
        for ev in browser.events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                errors.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append("log: " + params["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                requests.append(params["request"]["url"])
        return {"charts": charts, "console_errors": errors, "requests": requests, "screenshot": shot, "parts": parts}
    finally:
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Inspect an HTML report in headless Chromium.")
    parser.add_argument("html")
    parser.add_argument("--screenshot", default=None)
    parser.add_argument("--parts", type=int, default=0, help="also save slices of this height in px")
    args = parser.parse_args(argv)
    res = inspect_page(Path(args.html), Path(args.screenshot) if args.screenshot else None, part_height=args.parts)
    for c in res["charts"]:
        print(
            f"{c['chart']:<36} {c['kind']:<6} {c['width']:>6.0f}x{c['height']:<5.0f}"
            f" marks={c['marks']} rows={c['rows']}"
        )
    print(f"console errors: {len(res['console_errors'])}")
    for e in res["console_errors"]:
        print("  " + e)
    if res["screenshot"]:
        print(f"screenshot: {res['screenshot']}")
    for p in res["parts"]:
        print(f"  part: {p}")
    return 1 if res["console_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""Lighthouse on the heaviest built pages, desktop and mobile, served with gzip (`make lighthouse`).

    python scripts/lighthouse.py SITE_DIR [--pages N] [--lighthouse PATH]

Scores Performance and Accessibility and prints, per page and form factor, the two scores,
Total Blocking Time, Largest Contentful Paint and Cumulative Layout Shift, then checks them
against the site's budget (issue 16): Accessibility 100, Performance >= 95 on desktop and
>= 90 on mobile, CLS 0. Exit status 1 when a page misses it.

Lighthouse is not in requirements.txt (it is a Node program): `make lighthouse` installs the
pinned lighthouse@12.2.3 into .lighthouse/ with npm and runs it with the system Chromium
(CHROME_PATH). Mobile is Lighthouse's default: a simulated mid-range phone, 4x CPU slowdown
and a slow 4G network, so its numbers depend on this machine's load: run it on an idle one.
The pages are the N heaviest by page_weight.py (HTML and own images), and the explorer.
"""

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from page_weight import page_weights  # scripts/ is on sys.path: it is this script's folder

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"  # make lighthouse
BUDGET = {"desktop": 95, "mobile": 90}  # Performance; Accessibility must be 100, CLS 0
COMPRESSED = ("text/", "javascript", "json", "svg", "xml")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, compressed as GitHub Pages compresses them (text types, gzip)."""

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and wants_gzip and any(t in kind for t in COMPRESSED)):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def lighthouse(command: str, url: str, form_factor: str, out: Path) -> dict:
    """One Lighthouse run; its JSON report."""
    chrome_flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    args = [command, url, "--quiet", "--output=json", f"--output-path={out}"]
    args += ["--only-categories=performance,accessibility", f"--chrome-flags={chrome_flags}"]
    if form_factor == "desktop":
        args.append("--preset=desktop")
    chromium = (
        os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("google-chrome")
    )
    env = {**os.environ, "CHROME_PATH": chromium or "", "HOME": str(out.parent)}
    subprocess.run(args, check=True, env=env, capture_output=True)
    return json.loads(out.read_text())


def summary(report: dict) -> dict:
    audits, categories = report["audits"], report["categories"]
    return {
        "performance": round(categories["performance"]["score"] * 100),
        "accessibility": round(categories["accessibility"]["score"] * 100),
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
    }


def misses(form_factor: str, s: dict) -> list[str]:
    found = []
    if s["accessibility"] < 100:
        found.append(f"accessibility {s['accessibility']} < 100")
    if s["performance"] < BUDGET[form_factor]:
        found.append(f"performance {s['performance']} < {BUDGET[form_factor]}")
    if s["cls"] > 0:
        found.append(f"CLS {s['cls']:.3f} > 0")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--lighthouse", default=str(LIGHTHOUSE))
    options = parser.parse_args()
    heaviest = sorted(page_weights(options.site), key=lambda w: w.total, reverse=True)
    pages = [w.page for w in heaviest[: options.pages]]
    pages += [] if "explorer/" in pages else ["explorer/"]
    handler = functools.partial(GzipHandler, directory=str(options.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    failed = []
    print(f"{'page':44} {'form':8} {'perf':>4} {'a11y':>4} {'TBT ms':>7} {'LCP s':>6} {'CLS':>6}")
    with tempfile.TemporaryDirectory() as work:
        for page in pages:
            for form_factor in ("desktop", "mobile"):
                out = Path(work) / "report.json"
                s = summary(lighthouse(options.lighthouse, base + page, form_factor, out))
                print(
                    f"{page:44} {form_factor:8} {s['performance']:4} {s['accessibility']:4} "
                    f"{s['tbt_ms']:7.0f} {s['lcp_s']:6.2f} {s['cls']:6.3f}",
                    flush=True,
                )
                failed += [f"{page} {form_factor}: {m}" for m in misses(form_factor, s)]
    server.shutdown()
    if failed:
        print("over budget:\n  " + "\n  ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Trunk post-build hook: make the built page keep its two promises.

1. No inline script. The page's Content-Security-Policy allows scripts only from the page's own
   origin, so the inline module script trunk writes into index.html (the wasm loader) is moved
   to `loader-<hash>.js` and referenced with `src`. The loader also registers the service worker.
2. Offline after the first visit. `src/web/sw.js` is written to `sw.js` with the list of the
   page's files and a version made from their contents, so each build caches its own files.

Runs in TRUNK_STAGING_DIR; fails loudly if the page is not as expected.
"""
import hashlib
import json
import os
import re
import sys

REGISTER_SW = """
// Offline after the first visit (not from file://, where service workers do not exist).
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('Loupe: no offline copy:', e));
}
"""


def externalize_loader(staging):
    """Moves the inline loader into its own file, with the service worker's registration."""
    index = os.path.join(staging, "index.html")
    html = open(index, encoding="utf-8").read()
    # Release builds minify the HTML, so attributes may be unquoted.
    pattern = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
    found = [
        m
        for m in pattern.finditer(html)
        if "src=" not in m.group(1) and re.search(r"type=[\"']?module", m.group(1))
    ]
    if len(found) != 1:
        sys.exit("post_build: expected one inline module script in index.html, found %d" % len(found))
    m = found[0]
    body = m.group(2).strip() + "\n" + REGISTER_SW
    name = "loader-%s.js" % hashlib.sha256(body.encode()).hexdigest()[:16]
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(body)
    public = os.environ.get("TRUNK_PUBLIC_URL", "/")
    tag = '<script type="module" src="%s%s"></script>' % (public, name)
    html = html[: m.start()] + tag + html[m.end() :]
    if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html):
        sys.exit("post_build: an inline script is left in index.html")
    open(index, "w", encoding="utf-8").write(html)


# A name with a content hash in it (trunk's `main-<hash>.css`, this hook's `loader-<hash>.js`).
HASHED_NAME = re.compile(r"-[0-9a-f]{16}(_bg)?\.[a-z]+$")


def write_service_worker(staging, source):
    """Writes sw.js: the page's files, the hashed ones, and a version from names and contents."""
    files = sorted(
        f for f in os.listdir(staging) if os.path.isfile(os.path.join(staging, f)) and f != "sw.js"
    )
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.encode() + b"\0")
        digest.update(open(os.path.join(staging, f), "rb").read())
    template = open(os.path.join(source, "src", "web", "sw.js"), encoding="utf-8").read()
    for placeholder in ("'__LOUPE_VERSION__'", "__LOUPE_FILES__", "__LOUPE_HASHED__"):
        if placeholder not in template:
            sys.exit("post_build: %s is missing from src/web/sw.js" % placeholder)
    hashed = [f for f in files if HASHED_NAME.search(f)]
    sw = (
        template.replace("'__LOUPE_VERSION__'", json.dumps(digest.hexdigest()[:16]))
        .replace("__LOUPE_FILES__", json.dumps(files))
        .replace("__LOUPE_HASHED__", json.dumps(hashed))
    )
    open(os.path.join(staging, "sw.js"), "w", encoding="utf-8").write(sw)


def main():
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        sys.exit("post_build: TRUNK_STAGING_DIR is not set (run by trunk as a hook)")
    source = os.environ.get("TRUNK_SOURCE_DIR", os.getcwd())
    externalize_loader(staging)
    write_service_worker(staging, source)


main()

#!/usr/bin/env python3
"""Trunk post-build hook: move trunk's inline wasm loader <script> into its own file.

The page's Content-Security-Policy allows scripts only from the page's own origin, so the
inline module script trunk writes into index.html is moved to `loader-<hash>.js` and
referenced with `src`. Runs in TRUNK_STAGING_DIR; fails loudly if the page has no such script.
"""
import hashlib
import os
import re
import sys

staging = os.environ.get("TRUNK_STAGING_DIR")
if not staging:
    sys.exit("externalize_loader: TRUNK_STAGING_DIR is not set (run by trunk as a hook)")
index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()
# Release builds minify the HTML, so attributes may be unquoted.
pattern = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
found = [
    m
    for m in pattern.finditer(html)
    if "src=" not in m.group(1) and re.search(r"type=[\"']?module", m.group(1))
]
if not found:
    sys.exit("externalize_loader: no inline module script found in index.html")
for m in reversed(found):
    body = m.group(2).strip() + "\n"
    name = "loader-%s.js" % hashlib.sha256(body.encode()).hexdigest()[:16]
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(body)
    public = os.environ.get("TRUNK_PUBLIC_URL", "/")
    tag = '<script type="module" src="%s%s"></script>' % (public, name)
    html = html[: m.start()] + tag + html[m.end() :]
if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html):
    sys.exit("externalize_loader: an inline script is left in index.html")
open(index, "w", encoding="utf-8").write(html)

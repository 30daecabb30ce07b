#!/usr/bin/env python3
"""Regenerates crates/loupe-core/data/model-prices.tsv from LiteLLM's price table.

LiteLLM (MIT licence) ships `model_prices_and_context_window_backup.json` inside its PyPI
package. This script downloads the package from PyPI (`pip download litellm --no-deps`), keeps
the chat, completion, responses and embedding models of the main providers, and writes one line
per model: name, provider, and USD per token for input, output, cache read, cache write and
reasoning ('-' where the table gives no rate).

Usage: scripts/update-prices.py [path/to/litellm.whl]
"""
import datetime
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

PROVIDERS = (
    "openai", "anthropic", "azure", "azure_ai", "bedrock", "bedrock_converse", "gemini",
    "vertex_ai-language-models", "vertex_ai-anthropic_models", "vertex_ai-mistral_models",
    "vertex_ai", "mistral", "xai", "deepseek", "groq", "cohere", "cohere_chat", "text-completion-openai",
)
MODES = ("chat", "completion", "responses", "embedding")
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/loupe-core/data/model-prices.tsv"


def wheel() -> pathlib.Path:
    if len(sys.argv) > 1:
        return pathlib.Path(sys.argv[1])
    tmp = pathlib.Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "litellm", "--no-deps", "-q", "-d", str(tmp)], check=True)
    return next(tmp.glob("litellm-*.whl"))


def rate(entry, key):
    v = entry.get(key)
    return "-" if v is None else repr(float(v))


def main():
    whl = wheel()
    with zipfile.ZipFile(whl) as z:
        table = json.loads(z.read("litellm/model_prices_and_context_window_backup.json"))
    version = whl.name.split("-")[1]
    rows = []
    for name, e in sorted(table.items()):
        if not isinstance(e, dict) or e.get("mode") not in MODES:
            continue
        if e.get("litellm_provider") not in PROVIDERS or "input_cost_per_token" not in e:
            continue
        if "\t" in name or "\n" in name:
            continue
        rows.append("\t".join([
            name, e["litellm_provider"], rate(e, "input_cost_per_token"), rate(e, "output_cost_per_token"),
            rate(e, "cache_read_input_token_cost"), rate(e, "cache_creation_input_token_cost"),
            rate(e, "output_cost_per_reasoning_token"),
        ]))
    header = (
        f"# LiteLLM {version} model_prices_and_context_window_backup.json (MIT licence, "
        f"https://github.com/BerriAI/litellm), taken {datetime.date.today().isoformat()}\n"
        "# name\tprovider\tinput\toutput\tcache_read\tcache_write\treasoning (USD per token)\n"
    )
    OUT.write_text(header + "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} models to {OUT}")


if __name__ == "__main__":
    main()

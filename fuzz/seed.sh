#!/usr/bin/env bash
# Builds each fuzz target's seed corpus from ../shared/fixtures and the tests' own files
# (gzipped fixtures decompressed for the targets that add their own prefix).
set -euo pipefail
cd "$(dirname "$0")"
fixtures=${LOUPE_FIXTURES:-../../shared/fixtures}
own=../crates/loupe-core/tests/fixtures
rm -rf corpus
mkdir -p corpus/{import,feed,gzip,bundle,query,messages,prices}
i=0
for f in $(find "$fixtures" "$own" -type f ! -name '*.md' | sort); do
  i=$((i + 1))
  cp "$f" "corpus/import/$i"
  printf '\x40' | cat - "$f" > "corpus/feed/$i"
  case "$f" in
    *.gz) tail -c +3 "$f" > "corpus/gzip/$i" ;;
    *) gzip -c "$f" | tail -c +3 > "corpus/gzip/$i" ;;
  esac
done
for f in $(find "$own" -name '*.loupe.json.gz'); do
  gzip -dc "$f" | sed -e 's/^{"loupe_bundle":1,//' > "corpus/bundle/$(basename "$f")"
done
printf '%s' 'model:gpt-4o* kind:llm status:error duration>2s tokens>1000 cost>0.01 name~retriev user:alice tag:prod' > corpus/query/1
printf '%s' 'service:api -status:ok duration<=1.5ms (model:claude* OR model:gpt*)' > corpus/query/2
printf '%s' '[{"role":"system","content":"hi"},{"role":"user","parts":[{"type":"text","content":"x"}]}]{"choices":[{"message":{"role":"assistant","content":"ok","tool_calls":[{"id":"1","function":{"name":"f","arguments":"{}"}}]}}]}' > corpus/messages/1
printf '%s' '{"gpt-4o": {"input": 2.5e-6, "output": 1e-5, "cache_read": 1.25e-6}}' > corpus/prices/1
echo "seeded: $(ls corpus/import | wc -l) files per file target"

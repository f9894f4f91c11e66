#!/usr/bin/env bash
# The protocol never breaks a caller silently (docs/api.md, "Changes"): buf's FILE rules against
# the previous commit, and against v1 as it was frozen (v1-frozen.binpb, `buf build` of protos/ on
# 2026-12-04), which also covers a clone without history. A breaking change fails the run: make
# it a new field or a v2 instead, or, if it truly must be made, record it in protos/CHANGELOG.md
# and rebuild the frozen image in the same commit.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx --no-install buf breaking --against tests/protocol/v1-frozen.binpb
echo "protocol: no breaking change since v1 was frozen"
if git rev-parse -q --verify 'HEAD~1^{commit}' >/dev/null; then
  npx --no-install buf breaking --against '.git#ref=HEAD~1'
  echo "protocol: no breaking change since the previous commit ($(git rev-parse --short HEAD~1))"
else
  echo "protocol: this clone has no previous commit; checked against the frozen v1 only"
fi

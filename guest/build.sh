#!/usr/bin/env bash
# Assembles every guest/**/*.asm with `nasm -f bin` into the file beside it.
# The output name defaults to the source name with .bin; a first line of the form
# `; output: name.img` chooses another. Sources are assembled from their own folder,
# so `%include "../common/x.inc"` works.
#
#   guest/build.sh           rebuild the outputs in place
#   guest/build.sh --check   rebuild into a temporary folder and compare byte for byte
#                            with the committed outputs; exit 1 naming any difference
set -euo pipefail

guest_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v nasm >/dev/null 2>&1; then
  echo "guest/build.sh: nasm not found (apt-get install nasm)" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

status=0
count=0
while IFS= read -r -d '' src; do
  dir="$(dirname "$src")"
  base="$(basename "$src" .asm)"
  out="$base.bin"
  first="$(head -n 1 "$src")"
  if [[ "$first" =~ ^\;[[:space:]]*output:[[:space:]]*([^[:space:]]+) ]]; then
    out="${BASH_REMATCH[1]}"
  fi
  rel="${dir#"$guest_dir"/}/$out"
  if [[ $check -eq 1 ]]; then
    built="$tmp/$(echo "$rel" | tr '/' '_')"
    (cd "$dir" && nasm -f bin -o "$built" "$(basename "$src")")
    if [[ ! -f "$dir/$out" ]]; then
      echo "guest/$rel: missing (run guest/build.sh)"
      status=1
    elif ! cmp -s "$built" "$dir/$out"; then
      echo "guest/$rel: differs from a fresh build of guest/${src#"$guest_dir"/}"
      status=1
    fi
  else
    (cd "$dir" && nasm -f bin -o "$out" "$(basename "$src")")
    echo "guest/$rel"
  fi
  count=$((count + 1))
done < <(find "$guest_dir" -name '*.asm' -type f -print0 | sort -z)

if [[ $check -eq 1 && $status -eq 0 ]]; then
  echo "guest/build.sh --check: $count outputs match their sources"
fi
exit $status

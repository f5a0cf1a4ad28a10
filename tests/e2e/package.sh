#!/usr/bin/env bash
# The Debian package builds with CPack, holds the binary, the man pages and the
# completions, and the binary runs from a temporary root it is installed into.
. "$(dirname "$0")/lib.sh"
: "${RMA_BUILD_DIR:?set RMA_BUILD_DIR to the build folder}"
if ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
  echo "package.sh: SKIPPED: dpkg-dev is not installed"
  exit 0
fi
expect 0 "cpack builds a .deb" cpack -G DEB -B "$TMP_ROOT/pkg" --config "$RMA_BUILD_DIR/CPackConfig.cmake"
deb=$(ls "$TMP_ROOT"/pkg/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && pass || fail "no .deb was written"
run dpkg-deb -I "$deb"
contains "$OUT" "Package: rma" "the package is named rma"
contains "$OUT" "libfmt9" "its dependencies come from the libraries it links"
run dpkg-deb -c "$deb"
for f in ./usr/bin/rma ./usr/share/man/man1/rma.1 ./usr/share/man/man1/rma-open.1 ./usr/share/man/man5/rma-ledger.5 \
         ./usr/share/bash-completion/completions/rma ./usr/share/zsh/vendor-completions/_rma; do
  contains "$OUT" "$f" "the package holds $f"
done
expect 0 "the package installs into a temporary root" dpkg-deb -x "$deb" "$TMP_ROOT/root"
expect 0 "the installed rma runs" "$TMP_ROOT/root/usr/bin/rma" --version
contains "$OUT" "rma " "and prints its version"
finish

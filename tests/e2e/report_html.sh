#!/usr/bin/env bash
# The HTML report opens in headless Chromium and its four charts render (non-blank chart
# areas, measured in the browser by drawing each SVG onto a canvas). Skipped, not failed,
# where Chromium is absent.
. "$(dirname "$0")/lib.sh"
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "report_html.sh: SKIPPED: chromium is not installed (scripts/install-deps --tests installs it)"
  exit 0
fi
export RMA_DIR=$examples/returns RMA_NOW="2026-11-23 10:30"
rma report --format html >"$TMP_ROOT/report.html"
cat >"$TMP_ROOT/check.html" <<'HTML'
<!DOCTYPE html><html><body><div id="out">pending</div>
<iframe id="f" src="report.html" width="1200" height="4000"></iframe>
<script>
document.getElementById('f').onload = async () => {
  const doc = document.getElementById('f').contentDocument;
  const res = [];
  for (const id of ['reasons-chart', 'sla-chart', 'aging-chart', 'refunds-chart']) {
    const svg = doc.getElementById(id);
    if (!svg) { res.push(id + '=missing'); continue; }
    const box = svg.getBoundingClientRect();
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
    res.push(id + '=' + ink + '@' + Math.round(box.width) + 'x' + Math.round(box.height));
  }
  document.getElementById('out').textContent = 'RESULT ' + res.join(' ');
};
</script></body></html>
HTML
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$TMP_ROOT/profile" --allow-file-access-from-files)
dom=$(timeout 120 "$chromium" "${flags[@]}" --virtual-time-budget=10000 --dump-dom "file://$TMP_ROOT/check.html" 2>/dev/null)
result=$(echo "$dom" | grep -o 'RESULT [a-z][^<]*')
echo "chart ink (pixels@size): ${result#RESULT }"
for chart in reasons-chart sla-chart aging-chart refunds-chart; do
  ink=$(echo "$result" | grep -o "$chart=[0-9]*" | cut -d= -f2)
  if [ -n "$ink" ] && [ "$ink" -gt 500 ]; then pass; else fail "$chart did not render (ink: ${ink:-none})"; fi
done
timeout 120 "$chromium" "${flags[@]}" --window-size=1200,2400 --screenshot="$TMP_ROOT/report.png" "file://$TMP_ROOT/report.html" >/dev/null 2>&1
size=$(stat -c %s "$TMP_ROOT/report.png" 2>/dev/null || echo 0)
if [ "$size" -gt 20000 ]; then pass; else fail "the screenshot is empty ($size bytes)"; fi
if [ -n "${RMA_KEEP_SCREENSHOT:-}" ]; then cp "$TMP_ROOT/report.png" "$RMA_KEEP_SCREENSHOT"; fi
finish

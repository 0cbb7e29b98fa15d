#!/usr/bin/env bash
# Builds the project site with the README's command, then checks it:
#  - every module's goal reference is staged (plugin-info.html and one <goal>-mojo.html per goal of each plugin);
#  - no internal link is broken (every relative href/src names a staged file, every #fragment an id in that page);
#  - the pages render in headless Chromium (the DOM after rendering has the page's heading and text), with
#    screenshots of a few pages in target/site-shots/ for a person to look at.
# Extra arguments go to Maven (e.g. -o). Needs Java 17 and chromium (.ci/setup.d/50-chromium.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

# maven-site-plugin keeps a page whose source did not change, even when the menus did: start from no site at all
find . -path ./node_modules -prune -o -type d -path '*/target/site' -prune -exec rm -rf {} + 2>/dev/null || true
rm -rf target/staging
# The README's site command. test-compile, not install: the plugin reports need each plugin's descriptor (made at
# process-classes), and site:site resolves every module's test dependencies (it/e2e needs image-maven-plugin's test
# classes), which the reactor serves from target/test-classes. Nothing is packaged and nothing goes to ~/.m2.
./mvnw -B -ntp test-compile site site:stage "$@"
built=$(date +%s)

site=target/staging
required=(index.html)
for plugin in image-maven-plugin perf-maven-plugin deploy-maven-plugin; do
  descriptor="$plugin/target/classes/META-INF/maven/plugin.xml"
  [ -f "$descriptor" ] || { echo "site-check: $descriptor missing: was $plugin built?"; exit 1; }
  required+=("$plugin/plugin-info.html")
  for goal in $(sed -n 's:^ *<goal>\([a-z-]*\)</goal>.*:\1:p' "$descriptor"); do
    required+=("$plugin/$goal-mojo.html")
  done
done
java .ci/site/LinkCheck.java "$site" "${required[@]}"

# Render: a page that does not parse or loses its content shows up as a DOM without its heading or text.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "site-check: chromium not found (.ci/setup.d/50-chromium.sh installs it)"
  exit 1
fi
shots=target/site-shots
rm -rf "$shots" && mkdir -p "$shots"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars "--user-data-dir=$profile")
failed=0
rendered=0
while IFS= read -r page; do
  rel=${page#"$site"/}
  url="file://$(realpath "$page")"
  dom=$(timeout 60 "$chromium" "${flags[@]}" --dump-dom "$url" 2>/dev/null || true)
  text=$(printf '%s' "$dom" | sed -e 's/<[^>]*>/ /g' | tr -s ' \n' ' ')
  if ! printf '%s' "$dom" | grep -qi '<h1\|<h2'; then
    echo "site-check: $rel: no heading after rendering"; failed=1
  elif [ "${#text}" -lt 200 ]; then
    echo "site-check: $rel: only ${#text} characters of text after rendering"; failed=1
  fi
  rendered=$((rendered + 1))
done < <(find "$site" -maxdepth 1 -name '*.html' | sort; printf '%s\n' "$site"/{image,perf,deploy}-maven-plugin/plugin-info.html)
for page in index.html getting-started.html iam-policy.html image-maven-plugin/plugin-info.html \
            deploy-maven-plugin/ecs-mojo.html; do
  timeout 60 "$chromium" "${flags[@]}" --window-size=1280,1600 "--screenshot=$shots/${page//\//_}.png" \
    "file://$(realpath "$site/$page")" >/dev/null 2>&1 || { echo "site-check: no screenshot of $page"; failed=1; }
done
echo "site-check: rendered $rendered pages in chromium; screenshots in $shots"
echo "site-check: site built in $((built - started)) s, checked in $(($(date +%s) - built)) s"
exit $failed

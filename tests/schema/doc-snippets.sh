#!/bin/sh
# Runs the JavaScript and Python examples of docs/json-schema.md as written: each must accept
# every example of the messaging catalog and refuse an event with a bad `changed_fields` item.
# usage: doc-snippets.sh SOURCE_DIR NODE_DIR PYTHON  (NODE_DIR holds node_modules with ajv)
set -eu
src=$1
nodedir=$2
python=${3:-python3}
doc=$src/docs/json-schema.md
work=$nodedir/doc-snippets
mkdir -p "$work"
# The first ```js and the first ```python block of the page.
awk '/^```js$/ && !done { on = 1; next } on && /^```$/ { on = 0; done = 1 } on' "$doc" >"$nodedir/validate.js"
awk '/^```python$/ && !done { on = 1; next } on && /^```$/ { on = 0; done = 1 } on' "$doc" >"$work/validate.py"
sed 's/"changed_fields": \[/"changed_fields": ["Name", /' \
  "$src/catalog/examples/customer_updated.example.json" >"$work/bad.json"
cd "$src"
status=0
node "$nodedir/validate.js" catalog/examples/*.example.json || { echo "FAIL: js refused an example"; status=1; }
if out=$(node "$nodedir/validate.js" "$work/bad.json"); then
  echo "FAIL: js accepted bad.json"; status=1
fi
echo "$out"
echo "$out" | grep -q 'must match pattern' || { echo "FAIL: unexpected js message"; status=1; }
if "$python" -c 'import jsonschema' 2>/dev/null; then
  "$python" "$work/validate.py" catalog/examples/*.example.json || { echo "FAIL: python refused an example"; status=1; }
  if out=$("$python" "$work/validate.py" "$work/bad.json"); then
    echo "FAIL: python accepted bad.json"; status=1
  fi
  echo "$out"
  echo "$out" | grep -q "'Name' does not match" || { echo "FAIL: unexpected python message"; status=1; }
else
  echo "python snippet not run: no jsonschema module"
fi
exit $status

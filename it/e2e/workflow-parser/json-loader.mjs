// The parser's dist imports its JSON schemas without an import attribute (it is built for bundlers); Node's ESM
// loader insists on `with { type: "json" }`. This hook supplies the attribute for .json files.
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return nextLoad(url, { ...context, importAttributes: { type: "json" } });
  }
  return nextLoad(url, context);
}

// Validates Kubernetes manifests against the API schemas that npm's kubernetes-models carries:
// each document's kind (by apiVersion) validates its fields' types, required fields and formats,
// and a key the schema does not know (a misspelling: hostNetwrok) is an error too. The schemas'
// compiled validators read every property they know, so a key never read while validating is
// one they do not know.
//   node validate.mjs FILE.yaml...     exit 0 when every document is valid, 1 otherwise
import { readFileSync } from "node:fs";
import { loadAll } from "js-yaml";

function track(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  seen.push({ path, value, read });
  const copy = Array.isArray(value)
    ? value.map((v, i) => track(v, `${path}/${i}`, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, track(v, `${path}/${k}`, seen)]));
  return new Proxy(copy, {
    get(t, k, r) { if (typeof k === "string") read.add(k); return Reflect.get(t, k, r); },
    ownKeys(t) { for (const k of Reflect.ownKeys(t)) if (typeof k === "string") read.add(k); return Reflect.ownKeys(t); },
  });
}

async function modelOf(doc) {
  const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
  const mod = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  const Model = mod[doc.kind];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  return Model;
}

let bad = 0;
for (const file of process.argv.slice(2)) {
  let docs;
  try {
    docs = loadAll(readFileSync(file, "utf8")).filter((d) => d != null);
  } catch (e) {
    console.log(`FAIL ${file}: not YAML: ${e.message.split("\n")[0]}`);
    bad++;
    continue;
  }
  for (const doc of docs) {
    const name = `${file}: ${doc?.kind ?? "?"} ${doc?.metadata?.name ?? "?"}`;
    const problems = [];
    try {
      if (typeof doc !== "object" || typeof doc.apiVersion !== "string" || typeof doc.kind !== "string")
        throw new Error("no apiVersion and kind");
      const Model = await modelOf(doc);
      const model = new Model(structuredClone(doc));
      const seen = [];
      for (const k of Object.keys(doc)) model[k] = track(doc[k], `/${k}`, seen);
      const top = new Set();
      const watched = new Proxy(model, { get(t, k, r) { if (typeof k === "string") top.add(k); return Reflect.get(t, k, r); } });
      try {
        Model.prototype.validate.call(watched);
      } catch (e) {
        problems.push(e.message);
      }
      const unknown = Object.keys(doc).filter((k) => !top.has(k)).map((k) => `/${k}`);
      for (const { path, value, read } of seen)
        if (!Array.isArray(value))
          for (const k of Object.keys(value))
            if (!read.has(k) && !unknown.some((u) => path === u || path.startsWith(`${u}/`))) unknown.push(`${path}/${k}`);
      for (const u of unknown) problems.push(`unknown field ${u}`);
    } catch (e) {
      problems.push(e.message);
    }
    if (problems.length) {
      bad++;
      console.log(`FAIL ${name}: ${problems.join("; ")}`);
    } else {
      console.log(`ok ${name}`);
    }
  }
}
process.exit(bad ? 1 : 0);

#!/usr/bin/env python3
"""deploy/: the Kubernetes manifests parse as YAML and hold what the issue asks for (a CronJob whose
exit code is the Job's result, a DaemonSet on the host network with only NET_RAW and NET_ADMIN and
node_exporter's textfile directory), and the Dockerfile builds from debian:12-slim with the
packages CPack writes. Usage: manifests.py SOURCE_DIR"""
import glob
import os
import re
import sys

import yaml

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
passed = failed = 0


def ok(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"FAIL - {name}" + (f": {detail}" if detail else ""))


docs = []
for path in sorted(glob.glob(os.path.join(src, "deploy", "k8s", "*.yaml"))):
    try:
        with open(path) as f:
            loaded = [d for d in yaml.safe_load_all(f) if d is not None]
        ok(f"{os.path.basename(path)} parses as YAML", True)
    except yaml.YAMLError as e:
        ok(f"{os.path.basename(path)} parses as YAML", False, str(e))
        continue
    for d in loaded:
        ok(f"{os.path.basename(path)}: {d.get('kind')} has apiVersion, kind, metadata.name",
           all(k in d for k in ("apiVersion", "kind")) and bool(d.get("metadata", {}).get("name")))
        docs.append(d)

by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)


def container_caps(c):
    caps = (c.get("securityContext") or {}).get("capabilities") or {}
    return caps.get("drop") or [], caps.get("add") or []


def check_container(kind, c, want_add):
    sc = c.get("securityContext") or {}
    drop, add = container_caps(c)
    ok(f"{kind}: capabilities drop ALL", drop == ["ALL"], f"drop={drop}")
    ok(f"{kind}: capabilities add only {sorted(want_add)}", sorted(add) == sorted(want_add), f"add={add}")
    ok(f"{kind}: not privileged, no privilege escalation",
       sc.get("privileged") in (None, False) and sc.get("allowPrivilegeEscalation") is False)
    ok(f"{kind}: read-only root file system", sc.get("readOnlyRootFilesystem") is True)
    cmd = list(c.get("command") or []) + list(c.get("args") or [])
    ok(f"{kind}: runs vpcprobe itself (no shell that could hide its exit code)",
       bool(cmd) and os.path.basename(cmd[0]) == "vpcprobe", f"command={cmd}")
    ok(f"{kind}: image is set", bool(c.get("image")))
    return cmd


# --- CronJob
crons = by_kind.get("CronJob", [])
ok("one CronJob", len(crons) == 1, f"{len(crons)}")
for cj in crons:
    ok("CronJob: apiVersion batch/v1", cj["apiVersion"] == "batch/v1")
    spec = cj["spec"]
    ok("CronJob: a five-field schedule", len(str(spec.get("schedule", "")).split()) == 5)
    ok("CronJob: concurrencyPolicy Forbid", spec.get("concurrencyPolicy") == "Forbid")
    job = spec["jobTemplate"]["spec"]
    ok("CronJob: backoffLimit set (an int >= 0)", isinstance(job.get("backoffLimit"), int) and job["backoffLimit"] >= 0,
       f"{job.get('backoffLimit')}")
    ok("CronJob: activeDeadlineSeconds bounds a run", isinstance(job.get("activeDeadlineSeconds"), int))
    pod = job["template"]["spec"]
    ok("CronJob: restartPolicy Never", pod.get("restartPolicy") == "Never")
    ok("CronJob: hostNetwork (the node's path)", pod.get("hostNetwork") is True)
    cs = pod.get("containers") or []
    ok("CronJob: one container", len(cs) == 1)
    for c in cs:
        cmd = check_container("CronJob", c, ["NET_RAW"])
        ok("CronJob: vpcprobe diagnose --private ... --json", len(cmd) > 2 and cmd[1] == "diagnose"
           and "--private" in cmd and "--json" in cmd, f"{cmd}")

# --- DaemonSet
dss = by_kind.get("DaemonSet", [])
ok("one DaemonSet", len(dss) == 1, f"{len(dss)}")
for ds in dss:
    ok("DaemonSet: apiVersion apps/v1", ds["apiVersion"] == "apps/v1")
    spec = ds["spec"]
    labels = spec["template"]["metadata"].get("labels") or {}
    ok("DaemonSet: selector matches the pod labels",
       all(labels.get(k) == v for k, v in spec["selector"]["matchLabels"].items()))
    pod = spec["template"]["spec"]
    ok("DaemonSet: hostNetwork: true", pod.get("hostNetwork") is True)
    ok("DaemonSet: dnsPolicy ClusterFirstWithHostNet", pod.get("dnsPolicy") == "ClusterFirstWithHostNet")
    ok("DaemonSet: tolerates every taint", {"operator": "Exists"} in (pod.get("tolerations") or []))
    cs = pod.get("containers") or []
    ok("DaemonSet: two containers, neigh and check", sorted(c.get("name") for c in cs) == ["check", "neigh"], f"{[c.get('name') for c in cs]}")
    vols = {v["name"]: v for v in pod.get("volumes") or []}
    for c in [c for c in cs if c.get("name") == "check"]:
        cmd = check_container("DaemonSet check", c, ["NET_RAW"])
        ok("DaemonSet check: vpcprobe check -f /etc/vpcprobe/targets.toml --watch 60 --textfile-dir",
           cmd[1:2] == ["check"] and cmd[cmd.index("-f") + 1:][:1] == ["/etc/vpcprobe/targets.toml"]
           and cmd[cmd.index("--watch") + 1:][:1] == ["60"] and "--textfile-dir" in cmd, f"{cmd}")
        mounts = {m["name"]: m for m in c.get("volumeMounts") or []}
        cm = [v for v in vols.values() if (v.get("configMap") or {}).get("name") == "vpcprobe-targets"]
        ok("DaemonSet check: the targets ConfigMap mounted read-only at /etc/vpcprobe",
           len(cm) == 1 and cm[0]["name"] in mounts and mounts[cm[0]["name"]].get("mountPath") == "/etc/vpcprobe"
           and mounts[cm[0]["name"]].get("readOnly") is True)
        cms = [d for d in by_kind.get("ConfigMap", []) if d["metadata"]["name"] == "vpcprobe-targets"]
        ok("ConfigMap vpcprobe-targets exists with a targets.toml", len(cms) == 1 and "targets.toml" in (cms[0].get("data") or {}))
    for c in [c for c in cs if c.get("name") == "neigh"]:
        cmd = check_container("DaemonSet", c, ["NET_RAW", "NET_ADMIN"])
        ok("DaemonSet: vpcprobe neigh --verify --watch 60 --json",
           cmd[1:2] == ["neigh"] and "--verify" in cmd and "--json" in cmd
           and "--watch" in cmd and cmd[cmd.index("--watch") + 1:][:1] == ["60"], f"{cmd}")
        ok("DaemonSet: no --fix (reports only)", "--fix" not in cmd)
        mounts = {m["name"]: m for m in c.get("volumeMounts") or []}
        tf = [v for v in vols.values() if "textfile" in (v.get("hostPath") or {}).get("path", "")]
        ok("DaemonSet: a hostPath volume for node_exporter's textfile directory", len(tf) == 1,
           f"volumes={list(vols)}")
        for v in tf:
            ok("DaemonSet: hostPath /var/lib/node_exporter/textfile_collector, DirectoryOrCreate",
               v["hostPath"] == {"path": "/var/lib/node_exporter/textfile_collector", "type": "DirectoryOrCreate"})
            ok("DaemonSet: the textfile volume is mounted writable", v["name"] in mounts
               and not mounts[v["name"]].get("readOnly", False))

# --- Namespace: the workloads' namespace exists and allows hostNetwork
nss = {d["metadata"]["name"]: d for d in by_kind.get("Namespace", [])}
for d in crons + dss:
    ns = d["metadata"].get("namespace")
    ok(f"{d['kind']}: namespace {ns} is defined, Pod Security level privileged",
       ns in nss and nss[ns]["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") == "privileged")

# --- Dockerfile
with open(os.path.join(src, "deploy", "Dockerfile")) as f:
    lines = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
froms = [l for l in lines if l.upper().startswith("FROM ")]
ok("Dockerfile: FROM debian:12-slim", froms == ["FROM debian:12-slim"], f"{froms}")
copy = " ".join(l for l in lines if l.upper().startswith("COPY "))
ok("Dockerfile: copies the CLI package cpack names vpcprobe_*.deb (it needs no libvpcprobe0)",
   re.search(r"debs/vpcprobe_\*_amd64\.deb", copy) is not None and "libvpcprobe0" not in copy, copy)
ok("Dockerfile: installs them with apt (dependencies resolved)",
   any("apt-get install" in l and "/tmp/debs/*.deb" in l for l in lines))
ok("Dockerfile: ENTRYPOINT is vpcprobe", any(l.startswith("ENTRYPOINT") and "/usr/bin/vpcprobe" in l for l in lines))
images = {c["image"] for d in crons for c in d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]}
images |= {c["image"] for d in dss for c in d["spec"]["template"]["spec"]["containers"]}
ok("the CronJob and the DaemonSet use the same image", len(images) == 1, f"{images}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

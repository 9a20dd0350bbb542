#!/usr/bin/env python3
"""Turns docker/deployment.template.json into a deployment manifest IoT Hub accepts as is.

What the Azure IoT Edge tools (VS Code extension, iotedgedev) do when they generate a deployment:
- replaces ${NAME} placeholders with environment variables (all must be set; $edgeAgent, $edgeHub and
  $upstream are not placeholders and stay);
- writes every module's createOptions object as a JSON string cut into chunks of at most 512
  characters: createOptions, createOptions01 ... createOptions07 (IoT Edge accepts 8 chunks, 4 KB);
- drops the template-only "$schema-template" key.

Usage: EDGELENS_REGISTRY=... EDGELENS_TAG=... EDGELENS_CAMERA_URL=... \
           python3 docker/render-manifest.py [TEMPLATE] > deployment.json
Then: az iot edge set-modules --hub-name HUB --device-id DEVICE --content deployment.json
"""
import json
import os
import re
import sys

CHUNK = 512
MAX_CHUNKS = 8
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fail(message):
    sys.stderr.write("render-manifest: " + message + "\n")
    sys.exit(1)


def substitute(text):
    missing = sorted({name for name in PLACEHOLDER.findall(text) if name not in os.environ})
    if missing:
        fail("set these environment variables first: " + ", ".join(missing))
    # json.dumps(...)[1:-1] escapes a value for use inside a JSON string (quotes, backslashes).
    return PLACEHOLDER.sub(lambda m: json.dumps(os.environ[m.group(1)])[1:-1], text)


def chunk_create_options(name, settings):
    options = settings.get("createOptions")
    if options is None or isinstance(options, str):
        return  # already a string (or none): leave it as written
    if not isinstance(options, dict):
        fail(f"module {name}: createOptions must be an object or a string")
    text = json.dumps(options, separators=(",", ":"))
    if not text.isascii():
        fail(f"module {name}: createOptions must be ASCII (chunks are counted in characters)")
    chunks = [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)]
    if len(chunks) > MAX_CHUNKS:
        fail(f"module {name}: createOptions is {len(text)} characters; IoT Edge accepts at most "
             f"{CHUNK * MAX_CHUNKS} ({MAX_CHUNKS} chunks of {CHUNK})")
    settings["createOptions"] = chunks[0]
    for i, chunk in enumerate(chunks[1:], start=1):
        settings[f"createOptions{i:02d}"] = chunk


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "deployment.template.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.loads(substitute(f.read()))
    manifest.pop("$schema-template", None)
    agent = manifest["modulesContent"]["$edgeAgent"]["properties.desired"]
    for group in ("systemModules", "modules"):
        for name, module in agent.get(group, {}).items():
            chunk_create_options(name, module.get("settings", {}))
    json.dump(manifest, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

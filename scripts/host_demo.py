#!/usr/bin/env python3
"""Sends one check to postguard-host over native messaging and prints the answer.

Usage: host_demo.py HOST_BINARY POLICY FILE
"""
import json
import struct
import subprocess
import sys


def main():
    host, policy, path = sys.argv[1:4]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    proc = subprocess.Popen([host, "chrome-extension://demo/"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    request = {"id": 1, "type": "check", "text": text, "policy": policy,
               "platform": "twitter", "role": "personal"}
    body = json.dumps(request).encode("utf-8")
    proc.stdin.write(struct.pack("=I", len(body)) + body)
    proc.stdin.flush()
    (length,) = struct.unpack("=I", proc.stdout.read(4))
    answer = json.loads(proc.stdout.read(length))
    proc.stdin.close()
    proc.wait(timeout=10)
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    if answer.get("type") != "result":
        sys.exit(1)


if __name__ == "__main__":
    main()

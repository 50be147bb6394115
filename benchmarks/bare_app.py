"""The baseline of the read-path benchmark: a bare Flask app returning a fixed 20-item JSON, served
by the same gunicorn configuration as the hub, so the ratio isolates what the hub's own code
costs per request. `/health` answers 200 for the server's readiness check."""

from __future__ import annotations

from flask import Flask, jsonify

ITEMS = [
    {"id": i, "organization_id": f"org{i:05d}", "score": 0.5, "rank": i, "status": "suggested"}
    for i in range(20)
]

app = Flask(__name__)


@app.get("/bare")
def bare():
    return jsonify(items=ITEMS)


@app.get("/health")
def health():
    return jsonify(status="ok")

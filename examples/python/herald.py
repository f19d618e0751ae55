"""Publish to Herald and sign subscriber tokens with the Python standard library only."""
import base64, hashlib, hmac, json, os, time, urllib.request

HERALD_URL = os.environ.get("HERALD_URL", "http://127.0.0.1:8080")
API_KEY = os.environ["HERALD_API_KEY"]
JWT_SECRET = os.environ["HERALD_JWT_SECRET"].encode()


def publish(recipients, title, body=None, severity="info", url=None, data=None, dedupe_key=None):
    """POST /v1/notifications; returns [{id, recipient}]. Raises on a non-2xx answer."""
    payload = {"recipients": recipients, "title": title, "severity": severity}
    for k, v in (("body", body), ("url", url), ("data", data), ("dedupeKey", dedupe_key)):
        if v is not None:
            payload[k] = v
    req = urllib.request.Request(
        f"{HERALD_URL}/v1/notifications",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=5) as res:
        return json.load(res)["notifications"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def user_token(user_id: str, topics=(), ttl_s: int = 3600) -> str:
    """An HS256 JWT for the browser: sub, exp and the topic patterns the user may follow."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64(json.dumps({"sub": user_id, "exp": int(time.time()) + ttl_s, "topics": list(topics)}).encode())
    sig = _b64(hmac.new(JWT_SECRET, f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{sig}"


if __name__ == "__main__":
    print(publish(["alice"], "Your report is ready", severity="success", url="/reports/42"))

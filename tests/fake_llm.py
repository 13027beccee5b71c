"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol (and Ollama's /api/chat),
streaming and not, with scripted behaviours chosen by the request's model name.

Replies are built from the passages in the request, so the tests check confqa's handling of what a model does
(cite well, cite a passage that does not exist, invent facts, time out, fail) rather than fixed strings."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PASSAGE = re.compile(r"<<passage-(\w+) \[(\d+)\][^\n]*>>\n(.*?)\n<<end-\1>>", re.S)
INVENTED = "The speaker announced that quantum bananas will soon replace every transformer"


def passages_of(prompt: str) -> dict[int, str]:
    return {int(n): text for _, n, text in _PASSAGE.findall(prompt)}


def first_statement(text: str) -> str:
    """The first prose line of a passage, stripped of markdown, as a model would paraphrase it."""
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)]|#+)\s*", "", line).strip()
        line = re.sub(r"[*_`|]", " ", line)
        line = re.sub(r"\s+", " ", line).strip()
        if len(line.split()) >= 4:
            sentence = re.split(r"(?<=[.!?])\s", line)[0].rstrip(".!?:;")
            return sentence
    return re.sub(r"\s+", " ", text).strip()[:120].rstrip(".")


def reply_for(script: str, prompt: str) -> str:
    passages = passages_of(prompt)
    one = first_statement(passages.get(1, "nothing"))
    two = first_statement(passages.get(2, passages.get(1, "nothing")))
    scripts = {
        "cited": f"{one} [1]. {two} [2].",
        "marker-after": f"{one}. [1]\n{two}. [2]",
        "bad-index": f"{one} [1]. {two} [{len(passages) + 4}].",
        "mixed": f"{one} [1]. {INVENTED} [1].",
        "invented-number": f"{one} [1]. It drew 987654 attendees [1].",
        "all-unsupported": f"{INVENTED} [1]. Giraffes invented gradient descent [2].",
        "uncited": f"{one}.",
        "uncited-invented": f"{INVENTED}.",
        "looping": "The answer is:\n" + "The notes are about conferences.\n" * 40,
        "decline": "The notes don't cover this.",
        "empty": "",
        "injected": f"{one} [1].",
    }
    return scripts.get(script, scripts["cited"])


class FakeLLMServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.delay = 2.0  # seconds a "slow" script waits
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
                if self.path.endswith("/chat/completions"):
                    server._openai(self, body)
                elif self.path == "/api/chat":
                    server._ollama(self, body)
                else:
                    self._send(404, b'{"error": {"message": "no such route"}}')

            def _send(self, status: int, payload: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that timed out and hung up is what the "slow" script is for

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.ollama_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @staticmethod
    def _prompt(body: dict[str, Any]) -> str:
        return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))

    def _failure(self, handler: Any, script: str) -> bool:
        if script == "slow":
            time.sleep(self.delay)
            return False
        if script == "error500":
            handler._send(500, b'{"error": {"message": "the model crashed", "type": "server_error"}}')
        elif script == "malformed":
            handler._send(200, b"{this is not json")
        elif script == "no-key" and handler.headers.get("Authorization") != "Bearer sekrit":
            handler._send(401, b'{"error": {"message": "invalid api key", "type": "auth"}}')
        else:
            return False
        return True

    def _openai(self, handler: Any, body: dict[str, Any]) -> None:
        script = str(body.get("model", "cited"))
        if self._failure(handler, script):
            return
        text = reply_for(script, self._prompt(body))
        if not body.get("stream"):
            payload = {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": script,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            handler._send(200, json.dumps(payload).encode())
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
        for i, piece in enumerate(pieces):
            delta: dict[str, Any] = {"content": piece}
            if i == 0:
                delta["role"] = "assistant"
            chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": script,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            handler.wfile.flush()
            if script == "trickle":
                time.sleep(0.4)
        final = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": script,
                 "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        handler.wfile.write(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n".encode())
        handler.wfile.flush()
        handler.close_connection = True

    def _ollama(self, handler: Any, body: dict[str, Any]) -> None:
        script = str(body.get("model", "cited"))
        if self._failure(handler, script):
            return
        text = reply_for(script, self._prompt(body))
        base = {"model": script, "created_at": "2026-01-01T00:00:00Z"}
        if not body.get("stream", True):
            payload = {**base, "message": {"role": "assistant", "content": text}, "done": True, "done_reason": "stop"}
            handler._send(200, json.dumps(payload).encode())
            return
        lines = [json.dumps({**base, "message": {"role": "assistant", "content": text[i:i + 7]}, "done": False})
                 for i in range(0, len(text), 7)]
        lines.append(json.dumps({**base, "message": {"role": "assistant", "content": ""}, "done": True,
                                 "done_reason": "stop"}))
        handler._send(200, ("\n".join(lines) + "\n").encode(), "application/x-ndjson")
